import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteMetadataStore } from '../../src/collections/sqlite.metadata.driver.ts';
import { loadMigrations, migrate } from '../../src/collections/sqlite.migrations.ts';
import { metadataStoreContract, faceRow } from './metadata.contract.ts';

metadataStoreContract('SQLite (in memory)', async () => new SqliteMetadataStore({ path: ':memory:' }));

test('migrations apply in order on an empty database, once', () => {
  const store = new SqliteMetadataStore({ path: ':memory:' });
  const versions = store.db
    .prepare(`SELECT version FROM app_migrations WHERE part = 'collections' ORDER BY version`)
    .all() as { version: number }[];
  assert.deepEqual(
    versions.map((n) => n.version),
    loadMigrations().map((m) => m.version),
  );
  assert.ok(versions.length >= 1);
  assert.deepEqual(migrate(store.db), [], 'a second run applies nothing');
  const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
  assert.deepEqual(
    (tables as { name: string }[]).map((t) => t.name),
    ['app_migrations', 'collections', 'faces', 'idempotency_tokens', 'settings', 'users'],
  );
});

test('a file database uses WAL and synchronous=FULL, and keeps faces across reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'facegate-db-'));
  try {
    const path = join(dir, 'sub', 'facegate.db');
    const a = new SqliteMetadataStore({ path });
    assert.equal(a.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(a.db.pragma('synchronous', { simple: true }), 2);
    await a.createCollection({ id: 'c', faceModelVersion: 'v', descriptorSize: 4, createdAt: new Date(), tags: {} });
    await a.insertFaces([faceRow('c', 'f1')]);
    await a.close();
    const b = new SqliteMetadataStore({ path, synchronous: 'NORMAL' });
    assert.equal(b.db.pragma('synchronous', { simple: true }), 1);
    assert.equal((await b.getFaces('c', ['f1'])).length, 1);
    await b.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
