// The MetadataStore contract on Postgres: a fresh schema per test (test/helpers/services.ts), migrated from empty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPgMetadataStore } from '../../src/collections/pg.metadata.driver.ts';
import { freshPgSchema } from '../helpers/services.ts';
import { faceRow, metadataStoreContract } from './metadata.contract.ts';

metadataStoreContract('Postgres', async () => {
  const pg = await freshPgSchema('meta');
  const store = await openPgMetadataStore(pg.pool, pg.schema);
  const close = store.close.bind(store);
  return Object.assign(store, { close: async () => (await close(), await pg.close()) });
});

test('Postgres: several processes migrating one empty schema at once apply each migration once', async () => {
  const pg = await freshPgSchema('meta');
  try {
    const stores = await Promise.all([1, 2, 3].map(() => openPgMetadataStore(pg.pool, pg.schema)));
    const { rows } = await pg.pool.query(
      `SELECT version FROM "${pg.schema}".facegate_migrations WHERE part = 'collections' ORDER BY version`,
    );
    assert.deepEqual(
      rows.map((r: { version: number }) => r.version),
      [1],
    );
    await stores[0]!.createCollection({
      id: 'c',
      faceModelVersion: 'v',
      descriptorSize: 4,
      createdAt: new Date(),
      tags: {},
    });
    await stores[1]!.insertFaces([faceRow('c', 'f1')]);
    const seen = [];
    for await (const d of stores[2]!.scanDescriptors()) seen.push(d.faceId);
    assert.deepEqual(seen, ['f1']);
  } finally {
    await pg.close();
  }
});
