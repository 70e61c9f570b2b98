// The composition root: builds every service once from the frozen config, hands them to the server and the CLI, and
// closes them in reverse order. Each part is one entry of the LOADERS table below (and one field of Services).
//
// Parts load in the background so that the HTTP server can answer /healthz at once and /readyz with 503 until the
// models are loaded. A part that fails to load is reported by name: callers get NOT_READY with the reason, never a
// fake result.
import { join, resolve } from 'node:path';
import { secureDataDir } from './datadir.secure.ts';
import type { ApiKeyService } from '../api/rest/keys/apikey.service.ts';
import { openApps, openRestKeys, type AppServices } from '../apps/apps.factory.ts';
import { openDoor, type OpenedDoor } from '../apps/door/door.factory.ts';
import { EnginePipelineFaces } from '../apps/pipeline/faces.adapter.ts';
import { openPipeline, type OpenedPipeline } from '../apps/pipeline/pipeline.factory.ts';
import { SharpThumbnailer } from '../apps/sharp.thumbnailer.ts';
import { openCollections } from '../collections/collection.factory.ts';
import { rolePlan } from './deployment.ts';
import type { CollectionService } from '../collections/collection.service.ts';
import type { Config } from '../config/config.schema.ts';
import { FacegateError } from '../errors.ts';
import {
  openGovernance,
  privacyService,
  retentionService,
  visitorPrivacyService,
  type GovernanceServices,
} from '../governance/governance.factory.ts';
import type { RetentionService } from '../governance/retention.service.ts';
import { keepsImages as keepsImagesIn } from '../governance/policy.ts';
import { auditVisitSink } from '../governance/audit.visits.ts';
import type { PrivacyService } from '../governance/privacy.service.ts';
import { cameraHolder, cameraPlaces } from '../streams/camera.privacy.ts';
import { doorPlaces } from '../apps/door/door.privacy.ts';
import { descriptorCipherOf, protectObjects } from '../governance/crypto/crypto.factory.ts';
import { storageEraser } from '../governance/erasure.storage.ts';
import type { Logger } from '../logger.ts';
import { Metrics } from '../metrics/metrics.registry.ts';
import { timedRuntime } from '../metrics/timed.runtime.ts';
import { registerAdmissionGauge } from '../metrics/admission.gauge.ts';
import { LocalObjectStore } from '../storage/local.object-store.driver.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import { openStateDatabase, type StateDatabase } from '../db/state.database.ts';
import { S3ObjectStore } from '../storage/s3.object-store.driver.ts';
import { withBucketQuotas } from '../storage/quota/bucket-quota.factory.ts';
import type { BucketQuotas } from '../storage/quota/bucket-quota.service.ts';
import { QuotaObjectStore } from '../storage/quota/quota.object-store.ts';
import { S3Catalog } from '../api/s3/s3.catalog.ts';
import { createAdmission, openFaceEngine } from '../vision/engine.factory.ts';
import type { Admission } from '../vision/admission/admission.control.ts';
import type { CameraManager } from '../streams/camera.manager.ts';
import { checkFfmpeg, openCameras } from '../streams/streams.factory.ts';
import type { ProcessorService } from '../streams/processors/processor.service.ts';
import { openLiveness } from '../liveness/liveness.factory.ts';
import { livenessHolder } from '../liveness/liveness.subjects.ts';
import type { LivenessService } from '../liveness/liveness.service.ts';
import { randomUUID } from 'node:crypto';
import { openProcessors } from '../streams/processors/processors.factory.ts';
import type { FaceEngine } from '../vision/vision.types.ts';

/** Every service a handler may ask for. A new part adds one field here and one LOADERS entry. */
export interface Services {
  /** The deployment's database, opened once: <dataDir>/facegate.db, or Postgres (FACEGATE_DATABASE_URL). */
  database: StateDatabase;
  /** Vision: detection, descriptors, attributes, labels, moderation. */
  engine: FaceEngine;
  /** Collections: collections, faces, users, search. */
  collections: CollectionService;
  /** Storage: images kept as objects; Image.S3Object reads from here. */
  objects: ObjectStore;
  /** Storage quotas of user buckets (bytes, objects), counted by the object store above. */
  bucketQuotas: BucketQuotas;
  /** REST API keys (on the deployment database, or Postgres); ready without the models. */
  restKeys: ApiKeyService;
  /** Apps: register/verify/identify, index/search by upload, the virtual proctor. */
  apps: AppServices;
  /** Governance: the audit log (and consent, retention); ready without the models. */
  governance: GovernanceServices;
  /** Subject access and erasure across every part holding personal data. */
  privacy: PrivacyService;
  /** The same for a door visitor (the subject is the visitor id): DELETE /v1/doors/{id}/visitors/{visitorId}. */
  visitorPrivacy: PrivacyService;
  /** The retention job (runs every governance.retention.everyMinutes, and on demand). */
  retention: RetentionService;
  /** The upload pipeline: runs, events, notifications, watched directories (on the deployment database). */
  pipeline: OpenedPipeline;
  /** The smart door: doors, visitors, passcodes, approvals (on the deployment database, with the outbox); a VisitSink. */
  door: OpenedDoor;
  /** Cameras: sources, tracking, visits (src/streams); tables in <dataDir>/apps.sqlite. */
  cameras: CameraManager;
  /** Rekognition stream processors over the cameras (records to configured webhook / MQTT targets). */
  processors: ProcessorService;
  /** Face Liveness sessions (on the deployment database; frames in the object store). */
  liveness: LivenessService;
}

export type PartName = keyof Services;

type PartState =
  { status: 'loading' } | { status: 'ready'; detail?: Record<string, unknown> } | { status: 'failed'; reason: string };

export interface Container {
  readonly config: Readonly<Config>;
  readonly logger: Logger;
  /** Prometheus metrics (GET /metrics); parts add their gauges with metrics.gauge(). */
  readonly metrics: Metrics;
  /** Admission control in front of the engine's slots (both APIs admit image requests here). */
  readonly admission: Admission;
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
  admission: Admission;
  get: Container['get'];
}) => Promise<Loaded<Services[K]>>;

/** The deployment's Postgres, for parts that take it as `pg` (absent on the embedded default). */
const pgOf = (d: StateDatabase) => (d.pg ? { pg: { pool: d.pg.pool, schema: d.pg.schema } } : {});

/** One storage clean-up per deployment database, shared by the erasures and the retention job (coalesced runs). */
const erasers = new WeakMap<StateDatabase, () => Promise<void>>();
function eraserOf(database: StateDatabase, config: Readonly<Config>, logger: Logger): () => Promise<void> {
  let eraser = erasers.get(database);
  if (!eraser) {
    eraser = storageEraser(database, { rewriteMaxBytes: config.governance.erasureRewriteMaxMb * 2 ** 20, logger });
    erasers.set(database, eraser);
  }
  return eraser;
}

/** Photos are written before their rows: one this young may belong to a registration still in flight. */
const ORPHAN_GRACE_MS = 10 * 60_000;

// ---- the parts, in dependency order. One line per part; loaders stay small and call the owning part's factory. ----
const LOADERS: { [K in PartName]: Loader<K> } = {
  // First and closed last: every part's tables live in this one file (a person and their faces commit together).
  database: async ({ config, logger, dataDir }) => {
    const database = openStateDatabase(config, dataDir);
    for (const i of database.sqlite.imported) {
      logger.info({ module: 'database', ...i }, 'imported an older database file');
    }
    return { value: database, close: () => database.close() };
  },
  engine: async ({ config, logger, metrics, admission }) => {
    const engine = await openFaceEngine(config, logger, admission.scheduler, {
      wrapRuntime: (runtime) => timedRuntime(runtime, metrics),
      onInference: (model, seconds) => metrics.inferenceSeconds.labels(model).observe(seconds),
    });
    // Readiness means the models are loaded and have run once, so the first request is not the slow one.
    await engine.ready().catch(async (e: unknown) => {
      await engine.close();
      throw e;
    });
    // /readyz shows where the models run and the load admission sees (vision/admission/).
    const where = config.vision.workers > 0 ? `${config.vision.workers} worker threads` : 'main thread';
    const detail = () => ({ runs: where, slots: admission.scheduler.slots, ...admission.stats });
    return { value: engine, close: () => engine.close(), detail };
  },
  // Embedded default: a local directory (temporary files a crash left mid-write are removed in the background, only
  // those older than any write in flight); the S3-compatible driver when a bucket is configured. Encrypted at rest
  // (AES-256-GCM, envelope keys) when a master key is configured (governance/crypto).
  objects: async ({ config, dataDir, logger, get }) => {
    const s3 = config.objectStore;
    // User buckets are counted against their quotas; S3's staged multipart parts count for their target bucket.
    const counted = async (store: ObjectStore) =>
      withBucketQuotas(store, config, await get('database'), (b) => new S3Catalog(store).stagedBytes(b));
    if (!s3.bucket) {
      const local = new LocalObjectStore(join(dataDir, 'objects'));
      local
        .removeTemporaryFiles()
        .then(
          (n) => n && logger.info({ module: 'objects', removed: n }, 'removed temporary files of interrupted writes'),
        )
        .catch((e: unknown) => logger.error({ module: 'objects', err: e }, 'temporary file sweep failed'));
      return { value: await counted(protectObjects(config, dataDir, local)), detail: () => ({ driver: 'local' }) };
    }
    const store = await S3ObjectStore.open({ ...s3, bucket: s3.bucket });
    const detail = { driver: 's3', bucket: s3.bucket, ...(s3.endpoint ? { endpoint: s3.endpoint } : {}) };
    return {
      value: await counted(protectObjects(config, dataDir, store)),
      close: async () => store.close(),
      detail: () => detail,
    };
  },
  // The quotas the object store counts against (absent when a test hands the container its own object store).
  bucketQuotas: async ({ get }) => {
    const objects = await get('objects');
    if (!(objects instanceof QuotaObjectStore)) {
      throw new FacegateError('NOT_READY', 'Bucket quotas need the container’s own object store');
    }
    return { value: objects.quotas };
  },
  governance: async ({ config, dataDir, get }) => openGovernance(config, dataDir, await get('database')),
  // The deployment database + the vector index (rebuilt from it), over the engine's descriptors.
  collections: async ({ config, logger, dataDir, get }) => {
    const database = await get('database');
    const { consent } = await get('governance');
    const indexGuard = (c: string, subject: string | undefined) => consent.guardIndex(c, subject);
    const objects = await get('objects');
    const descriptorCipher = descriptorCipherOf(config, dataDir);
    const opened = await openCollections({
      config,
      engine: await get('engine'),
      logger,
      database,
      indexGuard,
      objects,
      ...(descriptorCipher ? { descriptorCipher } : {}),
    });
    return { value: opened.service, close: () => opened.close(), detail: () => ({ vectors: opened.vectorStatus() }) };
  },
  restKeys: async ({ config, dataDir, get }) => openRestKeys(config, dataDir, await get('database')),
  apps: async ({ config, logger, get }) => {
    const opened = await openApps({
      config,
      database: await get('database'),
      collections: await get('collections'),
      objects: await get('objects'),
      engine: await get('engine'),
      consent: (await get('governance')).consent,
    });
    // Photos a crash left without their rows, in the background: at start, and once more when those written just
    // before the start are old enough to be judged.
    const sweep = () =>
      opened.value.verify
        .sweepObjects(new Date(Date.now() - ORPHAN_GRACE_MS))
        .then((n) => n && logger.info({ module: 'apps', removed: n }, 'removed photos no person refers to'))
        .catch((e: unknown) => logger.error({ module: 'apps', err: e }, 'photo sweep failed'));
    void sweep();
    const again = setTimeout(() => void sweep(), ORPHAN_GRACE_MS);
    again.unref();
    return {
      value: opened.value,
      close: async () => {
        clearTimeout(again);
        await opened.close();
      },
    };
  },
  // Starts its workers at once; steps wait for the engine and collections, so runs can be listed while models load.
  pipeline: async ({ config, logger, get }) => {
    const faces = new EnginePipelineFaces({ engine: () => get('engine'), collections: () => get('collections') });
    const objects = await get('objects');
    const database = await get('database');
    const dropFace = async (collectionId: string, faceId: string) => {
      await (await get('collections')).deleteFaces({ collectionId, faceIds: [faceId] }).catch((e: unknown) => {
        if (!(e instanceof FacegateError && e.code === 'NOT_FOUND')) throw e;
      });
    };
    const opened = await openPipeline({
      config,
      logger,
      faces,
      objects,
      thumbnails: new SharpThumbnailer(),
      database,
      worker: rolePlan(config.server.role).workers,
      dropFace,
      keepsImages: (collectionId: string) => keepsImagesIn(config, collectionId),
      // A door.unknown reaches the door's owner with its approval link, which the stored event does not carry.
      copyFor: async (event, sub) =>
        event.type === 'door.unknown' ? (await get('door')).service.ownerCopy(event, sub) : event,
    });
    return { value: opened, close: () => opened.close() };
  },
  // Cameras, visits and stream processors on the deployment database (or FACEGATE_CAMERAS_DATABASE_URL).
  cameras: async ({ config, logger, get }) => {
    // ffmpeg is checked before the models load, so that its absence is in the log at once.
    const ffmpeg = checkFfmpeg(config.streams.ffmpegPath).then((f) => {
      if (!f.ok) logger.error({ err: f.error }, 'ffmpeg is not available: RTSP, MJPEG and file cameras cannot run');
      return f;
    });
    const database = await get('database');
    const [engine, collections, objects] = [await get('engine'), await get('collections'), await get('objects')];
    const db = database.sqlite.db;
    // Camera streams run where background work runs (worker and all roles); API processes serve their CRUD.
    const opened = await openCameras({
      ...{ config, logger, db, engine, collections, objects, ffmpeg },
      ...pgOf(database),
      runs: rolePlan(config.server.role).workers,
    });
    // Every camera decision (known / unknown face) is an audited biometric operation.
    opened.manager.addSink(auditVisitSink((await get('governance')).audit, logger.child({ module: 'audit' })));
    return { value: opened.manager, close: () => opened.close() };
  },
  // Sessions, frames and lockout failures on the deployment's database; frames in the object store.
  liveness: async ({ config, logger, dataDir, get }) => {
    const [engine, objects, database] = [await get('engine'), await get('objects'), await get('database')];
    const descriptorCipher = descriptorCipherOf(config, dataDir);
    const opened = await openLiveness({
      config,
      logger,
      engine,
      objects,
      database,
      uuid: randomUUID,
      ...(descriptorCipher ? { descriptorCipher } : {}),
    });
    return { value: opened.service, close: () => opened.close() };
  },
  processors: async ({ config, logger, get }) => {
    const database = await get('database');
    const [cameras, collections] = [await get('cameras'), await get('collections')];
    const db = database.sqlite.db;
    const runs = rolePlan(config.server.role).workers;
    const opened = await openProcessors({ config, logger, db, ...pgOf(database), cameras, collections, runs });
    return { value: opened.service, close: () => opened.close() };
  },
  door: async ({ config, logger, dataDir, get }) => {
    const [collections, objects, engine, pipeline] = await Promise.all([
      get('collections'),
      get('objects'),
      get('engine'),
      get('pipeline'),
    ]);
    const database = await get('database');
    // The camera visit log is looked up when needed: cameras that fail to load leave the door's erasure working.
    const cameras = () =>
      get('cameras').then(
        (c) => c.store,
        () => undefined,
      );
    const background = rolePlan(config.server.role).workers;
    const descriptorCipher = descriptorCipherOf(config, dataDir);
    const opened = await openDoor({
      ...{ config, logger, collections, objects, engine, pipeline, database, cameras },
      ...(descriptorCipher ? { descriptorCipher } : {}),
      background,
    });
    // The door hears its cameras' visits. Cameras that fail to load leave the door working (passcodes, approvals).
    let detach: (() => void) | undefined;
    const attaching = get('cameras').then(
      (cameras) => void (detach = cameras.addSink(opened.service)),
      (e: unknown) => logger.warn({ err: e }, 'door not attached to cameras'),
    );
    return {
      value: opened,
      close: async () => {
        await attaching;
        detach?.();
        await opened.close();
      },
    };
  },
  privacy: async ({ config, logger, get }) => {
    const [door, objects] = [await get('door'), await get('objects')];
    const cameras = () =>
      get('cameras').then(
        (c) => c.store,
        () => undefined,
      );
    return {
      value: privacyService({
        verify: (await get('apps')).verify,
        collections: await get('collections'),
        governance: await get('governance'),
        pipeline: (await get('pipeline')).privacy,
        places: [
          cameraHolder(cameras, objects),
          door.privacy.holder(),
          livenessHolder(async () => (await get('liveness')).subjects),
        ],
        linked: (subject) => door.privacy.linked(subject),
        afterErase: eraserOf(await get('database'), config, logger),
      }),
    };
  },
  visitorPrivacy: async ({ config, logger, get }) => {
    const [door, objects] = [await get('door'), await get('objects')];
    const cameras = () =>
      get('cameras').then(
        (c) => c.store,
        () => undefined,
      );
    return {
      value: visitorPrivacyService({
        door: door.privacy,
        camera: cameraHolder(cameras, objects),
        governance: await get('governance'),
        pipeline: (await get('pipeline')).privacy,
        afterErase: eraserOf(await get('database'), config, logger),
      }),
    };
  },
  retention: async ({ config, logger, get }) => {
    const [governance, apps, privacy, pipeline] = [
      await get('governance'),
      await get('apps'),
      await get('privacy'),
      await get('pipeline'),
    ];
    const [door, objects] = [await get('door'), await get('objects')];
    const cameras = () =>
      get('cameras').then(
        (c) => c.store,
        () => undefined,
      );
    const retention = retentionService({
      ...{ config, governance, verify: apps.verify, privacy, pipeline },
      doors: doorPlaces(door.privacy, () => door.service.listDoors()),
      cameras: cameraPlaces(cameras, objects, async () => (await get('cameras')).list().map((c) => c.spec.id)),
      liveness: { purge: async () => (await get('liveness')).purge() },
      afterPurge: eraserOf(await get('database'), config, logger),
    });
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
  secureDataDir(dataDir);
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
        : Promise.resolve().then(() =>
            (LOADERS[name] as Loader<K>)({ config, logger, metrics, dataDir, admission, get }),
          );
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

  const admission = createAdmission(config);
  for (const name of Object.keys(LOADERS) as PartName[]) start(name);
  const metrics = options.metrics ?? new Metrics();
  registerPartGauges(metrics, states, get);
  registerAdmissionGauge(metrics, admission);

  return {
    config,
    logger,
    metrics,
    admission,
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
  // Cameras: analysed frames per second and frames dropped because inference was behind (bounded by the cameras list).
  metrics.gauge('facegate_camera_fps', 'Frames analysed per second, per camera', ['camera'], async (set) => {
    if (!ready('cameras')) return;
    for (const c of (await get('cameras')).list()) set({ camera: c.spec.id }, c.status.fps);
  });
  metrics.gauge('facegate_camera_frames_dropped', 'Frames dropped since start, per camera', ['camera'], async (set) => {
    if (!ready('cameras')) return;
    for (const c of (await get('cameras')).list()) set({ camera: c.spec.id }, c.status.framesDropped);
  });
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
