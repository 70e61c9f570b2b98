// The CameraStore contract on SQLite (in memory) and on Postgres (a fresh schema per test, test/helpers/services.ts).
import Database from 'better-sqlite3';
import { pgCameraStore } from '../../src/streams/camera.pg.ts';
import { sqliteCameraStore } from '../../src/streams/camera.sqlite.ts';
import { freshPgSchema } from '../helpers/services.ts';
import { cameraStoreContract } from './camera-store.contract.ts';

cameraStoreContract('sqlite', async () => {
  const db = new Database(':memory:');
  return { store: sqliteCameraStore(db), close: async () => void db.close() };
});

cameraStoreContract('postgres', async () => {
  const pg = await freshPgSchema('cameras');
  try {
    return { store: await pgCameraStore(pg.pool, pg.schema), close: () => pg.close() };
  } catch (e) {
    await pg.close();
    throw e;
  }
});
