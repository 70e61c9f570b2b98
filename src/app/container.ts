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
import type { CollectionService } from '../collections/collection.service.ts';
import type { Config } from '../config/config.schema.ts';
import { FacegateError } from '../errors.ts';
import {
  openGovernance,
  privacyService,
  retentionService,
  type GovernanceServices,
} from '../governance/governance.factory.ts';
import type { RetentionService } from '../governance/retention.service.ts';
import { keepsImages as keepsImagesIn } from '../governance/policy.ts';
import type { PrivacyService } from '../governance/privacy.service.ts';
import { descriptorCipherOf, protectObjects } from '../governance/crypto/crypto.factory.ts';
import type { Logger } from '../logger.ts';
import { LocalObjectStore } from '../storage/local.object-store.driver.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
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
  /** Governance: the audit log (and consent, retention); ready without the models. */
  governance: GovernanceServices;
  /** Subject access and erasure across every part holding personal data. */
  privacy: PrivacyService;
  /** The retention job (runs every governance.retention.everyMinutes, and on demand). */
  retention: RetentionService;
  /** The upload pipeline: runs, events, notifications, watched directories (<dataDir>/jobs.db). */
  pipeline: OpenedPipeline;
}

export type PartName = keyof Services;

type PartState = { status: 'loading' } | { status: 'ready' } | { status: 'failed'; reason: string };

export interface Container {
  readonly config: Readonly<Config>;
  readonly logger: Logger;
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
}

interface Loaded<T> {
  value: T;
  close?: () => Promise<void>;
}

type Loader<K extends PartName> = (ctx: {
  config: Readonly<Config>;
  logger: Logger;
  dataDir: string;
  get: Container['get'];
}) => Promise<Loaded<Services[K]>>;

// ---- the parts, in dependency order. One line per part; loaders stay small and call the owning part's factory. ----
const LOADERS: { [K in PartName]: Loader<K> } = {
  engine: async ({ config, logger }) => {
    const engine = await createFaceEngine(config, logger);
    // Readiness means the models are loaded and have run once, so the first request is not the slow one.
    await engine.ready().catch(async (e: unknown) => {
      await engine.close();
      throw e;
    });
    return { value: engine, close: () => engine.close() };
  },
  // Embedded default: a local directory; the S3-compatible driver is chosen here when configured.
  // Encrypted at rest (AES-256-GCM, envelope keys) when a master key is configured (governance/crypto).
  objects: async ({ config, dataDir }) => ({
    value: protectObjects(config, dataDir, new LocalObjectStore(join(dataDir, 'objects'))),
  }),
  governance: async ({ config, dataDir }) => openGovernance(config, dataDir),
  // SQLite + in-memory vector index (rebuilt from the database), over the engine's descriptors.
  collections: async ({ config, logger, dataDir, get }) => {
    const { consent } = await get('governance');
    const indexGuard = (c: string, subject: string | undefined) => consent.guardIndex(c, subject);
    const objects = await get('objects');
    const descriptorCipher = descriptorCipherOf(config, dataDir);
    const opened = await openCollections({
      config,
      engine: await get('engine'),
      logger,
      indexGuard,
      objects,
      ...(descriptorCipher ? { descriptorCipher } : {}),
    });
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
      consent: (await get('governance')).consent,
    }),
  // Starts its workers at once; steps wait for the engine and collections, so runs can be listed while models load.
  pipeline: async ({ config, logger, get }) => {
    const faces = new EnginePipelineFaces({ engine: () => get('engine'), collections: () => get('collections') });
    const objects = await get('objects');
    const dropFace = async (collectionId: string, faceId: string) => {
      await (await get('collections')).deleteFaces({ collectionId, faceIds: [faceId] }).catch((e: unknown) => {
        if (!(e instanceof FacegateError && e.code === 'NOT_FOUND')) throw e;
      });
    };
    const thumbnails = new SharpThumbnailer();
    const keepsImages = (collectionId: string) => keepsImagesIn(config, collectionId);
    const opened = await openPipeline({ config, logger, faces, objects, thumbnails, dropFace, keepsImages });
    return { value: opened, close: () => opened.close() };
  },
  privacy: async ({ get }) => ({
    value: privacyService({
      verify: (await get('apps')).verify,
      collections: await get('collections'),
      governance: await get('governance'),
      pipeline: (await get('pipeline')).privacy,
    }),
  }),
  retention: async ({ config, logger, get }) => {
    const [governance, apps, privacy, pipeline] = [
      await get('governance'),
      await get('apps'),
      await get('privacy'),
      await get('pipeline'),
    ];
    const retention = retentionService({ config, governance, verify: apps.verify, privacy, pipeline });
    const log = logger.child({ module: 'retention' });
    const every = config.governance.retention.everyMinutes * 60_000;
    const timer = every
      ? setInterval(() => {
          retention.run().then(
            (r) => log.info({ removed: r.removed }, 'retention purge'),
            (e: unknown) => log.error({ err: e }, 'retention purge failed'),
          );
        }, every)
      : undefined;
    timer?.unref();
    return { value: retention, close: async () => clearInterval(timer) };
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
        : Promise.resolve().then(() => (LOADERS[name] as Loader<K>)({ config, logger, dataDir, get }));
    const value = loading.then(
      (loaded) => {
        states.set(name, { status: 'ready' });
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

  return {
    config,
    logger,
    get,
    status: () => Object.fromEntries(states),
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
