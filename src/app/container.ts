// The composition root: builds every service once from the frozen config, hands them to the server and the CLI, and
// closes them in reverse order. Each part is one entry of the LOADERS table below (and one field of Services).
//
// Parts load in the background so that the HTTP server can answer /healthz at once and /readyz with 503 until the
// models are loaded. A part that fails to load is reported by name: callers get NOT_READY with the reason, never a
// fake result.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ApiKeyService } from '../api/rest/keys/apikey.service.ts';
import { openApps, openRestKeys, type AppServices } from '../apps/apps.factory.ts';
import { EnginePipelineFaces } from '../apps/pipeline/faces.adapter.ts';
import { openPipeline, type OpenedPipeline } from '../apps/pipeline/pipeline.factory.ts';
import { SharpThumbnailer } from '../apps/pipeline/sharp.thumbnailer.ts';
import { openCollections } from '../collections/collection.factory.ts';
import { rolePlan } from './deployment.ts';
import type { CollectionService } from '../collections/collection.service.ts';
import type { Config } from '../config/config.schema.ts';
import { FacegateError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { Metrics } from '../metrics/metrics.registry.ts';
import { timedRuntime } from '../metrics/timed.runtime.ts';
import { createModelRuntime } from '../vision/models/model.runtime.ts';
import { LocalObjectStore } from '../storage/local.object-store.driver.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import { S3ObjectStore } from '../storage/s3.object-store.driver.ts';
import { createFaceEngine } from '../vision/face.engine.ts';
import type { FaceEngine } from '../vision/vision.types.ts';

/** Every service a handler may ask for. A new part adds one field here and one LOADERS entry. */
export interface Services {
  /** Vision: detection, descriptors, attributes, labels, moderation. */
  engine: FaceEngine;
  /** Collections: collections, faces, users, search. */
  collections: CollectionService;
  /** Storage: images kept as objects; Image.S3Object reads from here. */
  objects: ObjectStore;
  /** REST API keys (<dataDir>/apps.sqlite); ready without the models. */
  restKeys: ApiKeyService;
  /** Apps: register/verify/identify, index/search by upload, the virtual proctor. */
  apps: AppServices;
  /** The upload pipeline: runs, events, notifications, watched directories (<dataDir>/jobs.db). */
  pipeline: OpenedPipeline;
}

export type PartName = keyof Services;

type PartState =
  { status: 'loading' } | { status: 'ready'; detail?: Record<string, unknown> } | { status: 'failed'; reason: string };

export interface Container {
  readonly config: Readonly<Config>;
  readonly logger: Logger;
  /** Prometheus metrics (GET /metrics); parts add their gauges with metrics.gauge(). */
  readonly metrics: Metrics;
  /** The service, once loaded; waits while it loads; NOT_READY if it failed or is not in this build. */
  get<K extends PartName>(name: K): Promise<Services[K]>;
  /** Loading state of each part, for /readyz. */
  status(): Record<string, PartState>;
  /** True once every part that gates readiness (the models) is loaded. */
  isReady(): boolean;
  /** Resolves when every part has settled (loaded or failed). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface ContainerOptions {
  /** Replace a part with an instance or a promise of one (tests, tools); its loader is not run and the caller closes it. */
  overrides?: { [K in PartName]?: Services[K] | Promise<Services[K]> };
  /** Parts that gate /readyz (default: the engine, warmed, and the collections with their index rebuilt). */
  readinessParts?: PartName[];
  /** Metrics registry to record into (default: a new one with process metrics). */
  metrics?: Metrics;
}

interface Loaded<T> {
  value: T;
  close?: () => Promise<void>;
  /** What /readyz shows for the part once ready, read on each call (e.g. which driver, a degraded fallback). */
  detail?: () => Record<string, unknown>;
}

type Loader<K extends PartName> = (ctx: {
  config: Readonly<Config>;
  logger: Logger;
  metrics: Metrics;
  dataDir: string;
  get: Container['get'];
}) => Promise<Loaded<Services[K]>>;

// ---- the parts, in dependency order. One line per part; loaders stay small and call the owning part's factory. ----
const LOADERS: { [K in PartName]: Loader<K> } = {
  engine: async ({ config, logger, metrics }) => {
    const engine = await createFaceEngine(config, logger, {
      runtime: timedRuntime(createModelRuntime(config), metrics),
    });
    // Readiness means the models are loaded and have run once, so the first request is not the slow one.
    await engine.ready().catch(async (e: unknown) => {
      await engine.close();
      throw e;
    });
    return { value: engine, close: () => engine.close() };
  },
  // Embedded default: a local directory; the S3-compatible driver is chosen here when configured.
  objects: async ({ config, dataDir }) => {
    const s3 = config.objectStore;
    if (!s3.bucket)
      return { value: new LocalObjectStore(join(dataDir, 'objects')), detail: () => ({ driver: 'local' }) };
    const store = await S3ObjectStore.open({ ...s3, bucket: s3.bucket });
    const detail = { driver: 's3', bucket: s3.bucket, ...(s3.endpoint ? { endpoint: s3.endpoint } : {}) };
    return { value: store, close: async () => store.close(), detail: () => detail };
  },
  // SQLite + in-memory vector index (rebuilt from the database), over the engine's descriptors.
  collections: async ({ config, logger, get }) => {
    const opened = await openCollections({ config, engine: await get('engine'), logger });
    return { value: opened.service, close: () => opened.close() };
  },
  restKeys: async ({ config, dataDir }) => openRestKeys(config, dataDir),
  apps: async ({ config, dataDir, get }) =>
    openApps({
      config,
      dataDir,
      collections: await get('collections'),
      objects: await get('objects'),
      engine: await get('engine'),
    }),
  // Starts its workers at once; steps wait for the engine and collections, so runs can be listed while models load.
  pipeline: async ({ config, logger, get }) => {
    const faces = new EnginePipelineFaces({ engine: () => get('engine'), collections: () => get('collections') });
    const objects = await get('objects');
    const opened = await openPipeline({
      config,
      logger,
      faces,
      objects,
      thumbnails: new SharpThumbnailer(),
      worker: rolePlan(config.server.role).workers,
    });
    return { value: opened, close: () => opened.close() };
  },
};

export function createContainer(config: Readonly<Config>, logger: Logger, options: ContainerOptions = {}): Container {
  const log = logger.child({ module: 'container' });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const gating = new Set<PartName>(options.readinessParts ?? ['engine', 'collections']);
  const states = new Map<PartName, PartState>();
  const promises = new Map<PartName, Promise<unknown>>();
  const closers = new Map<PartName, () => Promise<void>>();
  const details = new Map<PartName, () => Record<string, unknown>>();
  let closed = false;

  const get = <K extends PartName>(name: K): Promise<Services[K]> => {
    if (closed) return Promise.reject(new FacegateError('NOT_READY', 'The service is shutting down'));
    const p = promises.get(name) as Promise<Services[K]> | undefined;
    if (!p) return Promise.reject(new FacegateError('INTERNAL', `unknown part ${name}`));
    return p.catch((e: unknown) => {
      throw new FacegateError('NOT_READY', `Not available: ${(e as Error).message}`, { cause: e });
    });
  };

  const start = <K extends PartName>(name: K): void => {
    states.set(name, { status: 'loading' });
    const override = options.overrides?.[name];
    const loading: Promise<Loaded<Services[K]>> =
      override !== undefined
        ? Promise.resolve(override as Services[K] | Promise<Services[K]>).then((value) => ({ value }))
        : Promise.resolve().then(() => (LOADERS[name] as Loader<K>)({ config, logger, metrics, dataDir, get }));
    const value = loading.then(
      (loaded) => {
        states.set(name, { status: 'ready' });
        if (loaded.detail) details.set(name, loaded.detail);
        if (loaded.close) closers.set(name, loaded.close);
        log.info({ part: name }, 'part ready');
        return loaded.value;
      },
      (e: unknown) => {
        const reason = e instanceof Error ? e.message : String(e);
        states.set(name, { status: 'failed', reason });
        log.error({ part: name, err: e }, 'part failed to load');
        throw e;
      },
    );
    // Failures are reported through get() and status(); this only keeps the rejection from going unhandled.
    value.catch(() => undefined);
    promises.set(name, value);
  };

  for (const name of Object.keys(LOADERS) as PartName[]) start(name);
  const metrics = options.metrics ?? new Metrics();
  registerPartGauges(metrics, states, get);

  return {
    config,
    logger,
    metrics,
    get,
    status: () =>
      Object.fromEntries(
        [...states].map(([name, state]) => {
          const detail = state.status === 'ready' ? details.get(name) : undefined;
          return [name, detail ? { ...state, detail: detail() } : state];
        }),
      ),
    isReady: () => [...gating].every((n) => states.get(n)?.status === 'ready'),
    settled: async () => {
      await Promise.allSettled(promises.values());
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.allSettled(promises.values());
      // Reverse declaration order (LOADERS lists parts after what they use), whatever order they finished loading in.
      const order = (Object.keys(LOADERS) as PartName[]).reverse();
      for (const name of order) {
        const close = closers.get(name);
        if (!close) continue;
        try {
          await close();
        } catch (e) {
          log.error({ part: name, err: e }, 'close failed');
        }
      }
    },
  };
}

/** Queue depth and job outcomes, faces per collection: read at scrape time from parts already loaded (never waits). */
function registerPartGauges(metrics: Metrics, states: Map<PartName, PartState>, get: Container['get']): void {
  const ready = (name: PartName) => states.get(name)?.status === 'ready';
  metrics.gauge(
    'facegate_jobs',
    'Jobs held by the queue, by state (completed and dead are outcomes)',
    ['state'],
    async (set) => {
      if (!ready('pipeline')) return;
      const counts = await (await get('pipeline')).queue.counts();
      for (const [state, n] of Object.entries(counts)) set({ state }, n);
    },
  );
  // At most 500 collections per scrape, to bound the series and the scrape's cost.
  metrics.gauge(
    'facegate_collection_faces',
    'Faces per collection (first 500 collections)',
    ['collection'],
    async (set) => {
      if (!ready('collections')) return;
      const service = await get('collections');
      const { collectionIds } = await service.listCollections({ maxResults: 500 });
      for (const id of collectionIds) set({ collection: id }, (await service.describeCollection(id)).faceCount);
    },
  );
}
