// The apps wired for the embedded default: their SQLite file (<dataDir>/apps.sqlite) and the shared services.
// The container calls these once; each returns the value and how to close it.
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
import { openAppsDatabase } from './apps.database.ts';
import { sqliteCandidateStore } from './proctor/candidates.sqlite.ts';
import { ProctorService } from './proctor/proctor.service.ts';
import { sqlitePeopleStore } from './verify/people.sqlite.ts';
import { sharpThumbnailer } from './verify/sharp.thumbnailer.ts';
import { UploadsService } from './verify/uploads.service.ts';
import { RejectionStore } from './verify/rejections.ts';
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

const closing = (db: Database) => async () => void db.close();

/** API keys only: ready at once, without waiting for the models. Postgres when configured, else apps.sqlite. */
export async function openRestKeys(config: Readonly<Config>, dataDir: string): Promise<Opened<ApiKeyService>> {
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
  const db = openAppsDatabase(dataDir);
  const counters = openAppsDatabase(dataDir, 'NORMAL');
  const keys = new ApiKeyService({
    store: sqliteApiKeyStore(db, counters),
    defaultDailyQuota: config.rest.defaultDailyQuota,
  });
  return {
    value: keys,
    close: async () => {
      counters.close();
      db.close();
    },
  };
}

export function openApps(deps: {
  config: Readonly<Config>;
  dataDir: string;
  collections: CollectionService;
  objects: ObjectStore;
  engine: FaceEngine;
}): Opened<AppServices> {
  const { config, collections, objects, engine } = deps;
  const db = openAppsDatabase(deps.dataDir);
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
    rejections: new RejectionStore(collections, `${config.apps.verifyCollection}-rejections`),
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
  return { value: { verify, uploads, proctor }, close: closing(db) };
}
