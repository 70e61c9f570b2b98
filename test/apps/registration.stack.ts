// The registration stack on a real data directory, without models: the deployment database, the collections over
// the fake engine (test/collections/fake.engine.ts), the real SQLite people store and the real local object store.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { pgPeopleStore } from '../../src/apps/verify/people.pg.ts';
import { sqlitePeopleStore } from '../../src/apps/verify/people.sqlite.ts';
import { pgUnitOfWork } from '../../src/db/pg.unit-of-work.ts';
import { VerifyService } from '../../src/apps/verify/verify.service.ts';
import { openCollections } from '../../src/collections/collection.factory.ts';
import { openDeploymentDatabase } from '../../src/db/sqlite.database.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { FakeEngine } from '../collections/fake.engine.ts';

/** `pg`: the collections and people on Postgres (a pool and schema) instead of the embedded file. */
export async function openRegistrationStack(dataDir: string, pg?: { pool: Pool; schema: string }) {
  const database = openDeploymentDatabase(dataDir);
  const state = {
    sqlite: database,
    ...(pg && { pg: { ...pg, unitOfWork: pgUnitOfWork(pg.pool), close: async () => undefined } }),
    close: async () => database.close(),
  };
  const collections = await openCollections({
    config: { dataDir, collections: { synchronous: 'FULL', vectorFormat: 'float32' } },
    engine: new FakeEngine(),
    database: state,
  });
  const objects = new LocalObjectStore(join(dataDir, 'objects'));
  const people = pg ? await pgPeopleStore(pg.pool, pg.schema) : sqlitePeopleStore(database.db);
  const verify = new VerifyService({
    people,
    collections: collections.service,
    objects,
    // A thumbnail as big as a photo: the window between objects and rows is as wide as in production.
    thumbnails: { faceThumbnail: async (img) => img },
    collectionId: 'people',
    threshold: 80,
    uuid: randomUUID,
    now: () => new Date(),
  });
  return {
    database,
    collections,
    objects,
    people,
    verify,
    close: async () => {
      await collections.close();
      database.close();
    },
  };
}
