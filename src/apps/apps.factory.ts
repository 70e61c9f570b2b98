// The apps wired for the embedded default: their tables on the deployment database (<dataDir>/facegate.db) and the
// shared services. The container calls these once; each returns the value and how to close it.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ApiKeyService } from '../api/rest/keys/apikey.service.ts';
import { pgApiKeyStore } from '../api/rest/keys/apikey.pg.ts';
import { sqliteApiKeyStore } from '../api/rest/keys/apikey.sqlite.ts';
import type { CollectionService } from '../collections/collection.service.ts';
import type { Config } from '../config/config.schema.ts';
import { keepsImages } from '../governance/policy.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import type { FaceEngine } from '../vision/vision.types.ts';
import { openDeploymentDatabase } from '../db/sqlite.database.ts';
import type { StateDatabase } from '../db/state.database.ts';
import { pgCandidateStore } from './proctor/candidates.pg.ts';
import { pgPeopleStore } from './verify/people.pg.ts';
import { sqliteCandidateStore } from './proctor/candidates.sqlite.ts';
import { ProctorService } from './proctor/proctor.service.ts';
import { sqlitePeopleStore } from './verify/people.sqlite.ts';
import { sharpThumbnailer } from './sharp.thumbnailer.ts';
import { UploadsService } from './verify/uploads.service.ts';
import { RejectionStore } from './verify/rejections.ts';
import { VerifyService, type VerifyConsent } from './verify/verify.service.ts';

export interface AppServices {
  verify: VerifyService;
  uploads: UploadsService;
  proctor: ProctorService;
}

interface Opened<T> {
  value: T;
  close: () => Promise<void>;
}

/**
 * API keys only: ready at once, without waiting for the models. FACEGATE_KEYS_DATABASE_URL when set (its own pool),
 * else the deployment database: its Postgres, or its SQLite file (`database`, or <dataDir>/facegate.db opened and
 * closed here).
 */
export async function openRestKeys(
  config: Readonly<Config>,
  dataDir: string,
  database?: StateDatabase,
): Promise<Opened<ApiKeyService>> {
  const shared = database?.pg;
  if (shared && !config.apps.keysDatabaseUrl) {
    const store = await pgApiKeyStore(shared.pool, shared.schema);
    return {
      value: new ApiKeyService({ store, defaultDailyQuota: config.rest.defaultDailyQuota }),
      close: async () => undefined,
    };
  }
  const own = config.apps.keysDatabaseUrl;
  const url = own ?? (database ? undefined : config.database.url);
  if (url) {
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5000, max: 5 });
    try {
      // Its own database keeps the tables in public, as before; the deployment's URL uses the deployment's schema.
      const store = await pgApiKeyStore(pool, own ? 'public' : config.database.schema);
      return {
        value: new ApiKeyService({ store, defaultDailyQuota: config.rest.defaultDailyQuota }),
        close: () => pool.end(),
      };
    } catch (e) {
      await pool.end();
      throw e;
    }
  }
  const d = database?.sqlite ?? openDeploymentDatabase(dataDir, { synchronous: config.collections.synchronous });
  const keys = new ApiKeyService({
    store: sqliteApiKeyStore(d.db, d.counters),
    defaultDailyQuota: config.rest.defaultDailyQuota,
  });
  return { value: keys, close: async () => void (database ? undefined : d.close()) };
}

export async function openApps(deps: {
  config: Readonly<Config>;
  /** The deployment database the collections use too: a person and their faces commit together. */
  database: StateDatabase;
  collections: CollectionService;
  objects: ObjectStore;
  engine: FaceEngine;
  consent?: VerifyConsent;
}): Promise<Opened<AppServices>> {
  const { config, collections, objects, engine } = deps;
  const { pg } = deps.database;
  const { db } = deps.database.sqlite;
  const people = pg ? await pgPeopleStore(pg.pool, pg.schema) : sqlitePeopleStore(db);
  const candidates = pg ? await pgCandidateStore(pg.pool, pg.schema) : sqliteCandidateStore(db);
  const now = () => new Date();
  const verify = new VerifyService({
    people,
    collections,
    objects,
    thumbnails: sharpThumbnailer(),
    collectionId: config.apps.verifyCollection,
    threshold: config.apps.verifyThreshold,
    ...(config.apps.identifyThreshold !== undefined && { identifyThreshold: config.apps.identifyThreshold }),
    uuid: randomUUID,
    now,
    ...(deps.consent ? { consent: deps.consent } : {}),
    keepPhotos: keepsImages(config, config.apps.verifyCollection),
    rejections: new RejectionStore(collections, `${config.apps.verifyCollection}-rejections`),
  });
  const uploads = new UploadsService({
    collections,
    objects,
    collectionId: 'uploads',
    bucket: 'uploads',
    threshold: config.apps.verifyThreshold,
    keepImages: keepsImages(config, 'uploads'),
  });
  const proctor = new ProctorService({
    engine,
    collections,
    candidates,
    collectionId: config.apps.proctorCollection,
    minConfidence: config.apps.proctorMinConfidence,
    faceMatchThreshold: config.apps.proctorFaceMatchThreshold,
    objectsOfInterest: config.apps.proctorObjectsOfInterest
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    moderationThreshold: config.apps.proctorModerationThreshold,
    uuid: randomUUID,
    now,
  });
  return { value: { verify, uploads, proctor }, close: async () => undefined };
}
