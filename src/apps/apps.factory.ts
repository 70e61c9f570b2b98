// The apps wired for the embedded default: their tables on the deployment database (<dataDir>/facegate.db) and the
// shared services. The container calls these once; each returns the value and how to close it.
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import pg from 'pg';
import { ApiKeyService } from '../api/rest/keys/apikey.service.ts';
import { pgApiKeyStore } from '../api/rest/keys/apikey.pg.ts';
import { sqliteApiKeyStore } from '../api/rest/keys/apikey.sqlite.ts';
import type { CollectionService } from '../collections/collection.service.ts';
import type { Config } from '../config/config.schema.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import type { FaceEngine } from '../vision/vision.types.ts';
import { openDeploymentDatabase, type DeploymentDatabase } from '../db/sqlite.database.ts';
import { sqliteCandidateStore } from './proctor/candidates.sqlite.ts';
import { ProctorService } from './proctor/proctor.service.ts';
import { sqlitePeopleStore } from './verify/people.sqlite.ts';
import { sharpThumbnailer } from './verify/sharp.thumbnailer.ts';
import { UploadsService } from './verify/uploads.service.ts';
import { VerifyService } from './verify/verify.service.ts';

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
 * API keys only: ready at once, without waiting for the models. Postgres when configured, else the deployment
 * database (`database`, or <dataDir>/facegate.db opened and closed here).
 */
export async function openRestKeys(
  config: Readonly<Config>,
  dataDir: string,
  database?: DeploymentDatabase,
): Promise<Opened<ApiKeyService>> {
  const url = config.apps.keysDatabaseUrl;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5000, max: 5 });
    try {
      const store = await pgApiKeyStore(pool);
      return {
        value: new ApiKeyService({ store, defaultDailyQuota: config.rest.defaultDailyQuota }),
        close: () => pool.end(),
      };
    } catch (e) {
      await pool.end();
      throw e;
    }
  }
  const d = database ?? openDeploymentDatabase(dataDir, { synchronous: config.collections.synchronous });
  const keys = new ApiKeyService({
    store: sqliteApiKeyStore(d.db, d.counters),
    defaultDailyQuota: config.rest.defaultDailyQuota,
  });
  return { value: keys, close: async () => void (database ? undefined : d.close()) };
}

export function openApps(deps: {
  config: Readonly<Config>;
  /** The deployment database the collections use too: a person and their faces commit together. */
  db: Database;
  collections: CollectionService;
  objects: ObjectStore;
  engine: FaceEngine;
}): Opened<AppServices> {
  const { config, collections, objects, engine } = deps;
  const { db } = deps;
  const now = () => new Date();
  const verify = new VerifyService({
    people: sqlitePeopleStore(db),
    collections,
    objects,
    thumbnails: sharpThumbnailer(),
    collectionId: config.apps.verifyCollection,
    threshold: config.apps.verifyThreshold,
    uuid: randomUUID,
    now,
  });
  const uploads = new UploadsService({
    collections,
    objects,
    collectionId: 'uploads',
    bucket: 'uploads',
    threshold: config.apps.verifyThreshold,
  });
  const proctor = new ProctorService({
    engine,
    collections,
    candidates: sqliteCandidateStore(db),
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
