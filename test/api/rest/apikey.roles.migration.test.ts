// Keys created before roles existed ('user' and 'admin', no scope) after the numbered migration to
// admin/operator/reader on both drivers: a 'user' key becomes an operator, its usage counters survive, and the
// migrated table takes the new roles and scopes.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pgApiKeyStore } from '../../../src/api/rest/keys/apikey.pg.ts';
import { sqliteApiKeyStore } from '../../../src/api/rest/keys/apikey.sqlite.ts';
import { migrate } from '../../../src/apps/sqlite.migrate.ts';
import { freshPgSchema } from '../../helpers/services.ts';

// The first released schema of each driver, as deployments hold it.
const SQLITE_V1 = `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
     secret_hash TEXT NOT NULL, daily_quota INTEGER, created_at INTEGER NOT NULL, revoked_at INTEGER,
     last_used_at INTEGER);
   CREATE TABLE api_key_usage (
     key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE, day TEXT NOT NULL, count INTEGER NOT NULL,
     PRIMARY KEY (key_id, day));`;

test('sqlite: a user key becomes an operator; admin stays; counters and foreign keys survive', async () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  try {
    migrate(db, 'apikeys', [SQLITE_V1]);
    db.prepare(
      `INSERT INTO api_keys (id, name, role, secret_hash, daily_quota, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ).run('aaaaaaaaaaaa', 'old user', 'user', 'ab'.repeat(32), 7, 1000);
    db.prepare(
      `INSERT INTO api_keys (id, name, role, secret_hash, daily_quota, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ).run('bbbbbbbbbbbb', 'old admin', 'admin', 'cd'.repeat(32), null, 2000);
    db.prepare(`INSERT INTO api_key_usage VALUES ('aaaaaaaaaaaa', '2026-01-01', 3)`).run();

    const store = sqliteApiKeyStore(db);
    const user = await store.get('aaaaaaaaaaaa');
    assert.equal(user?.role, 'operator');
    assert.equal(user?.dailyQuota, 7);
    assert.equal(user?.collections, null);
    assert.equal(user?.apps, null);
    assert.equal((await store.get('bbbbbbbbbbbb'))?.role, 'admin');
    assert.equal(await store.usage('aaaaaaaaaaaa', '2026-01-01'), 3);
    assert.equal(await store.countRequest('aaaaaaaaaaaa', '2026-01-01', new Date(5000)), 4);
    // The rebuilt usage table still points at api_keys (not a leftover table) and still cascades.
    assert.deepEqual(db.pragma('foreign_key_check'), []);
    const fk = db.prepare(`SELECT "table" FROM pragma_foreign_key_list('api_key_usage')`).all();
    assert.deepEqual(fk, [{ table: 'api_keys' }]);
    assert.throws(() => db.prepare(`UPDATE api_keys SET role = 'user' WHERE id = 'aaaaaaaaaaaa'`).run(), /CHECK/);
    db.prepare(`DELETE FROM api_keys WHERE id = 'aaaaaaaaaaaa'`).run();
    assert.equal(await store.usage('aaaaaaaaaaaa', '2026-01-01'), 0);
  } finally {
    db.close();
  }
});

test('postgres: a user key from the unnumbered schema becomes an operator, and the new roles are accepted', async () => {
  const pg = await freshPgSchema('apikeys_mig');
  const s = `"${pg.schema}"`;
  try {
    // How the store created its tables before numbered migrations (no facegate_migrations rows).
    await pg.pool.query(`CREATE TABLE ${s}.api_keys (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
      secret_hash TEXT NOT NULL, daily_quota INTEGER, created_at TIMESTAMPTZ NOT NULL,
      revoked_at TIMESTAMPTZ, last_used_at TIMESTAMPTZ)`);
    await pg.pool.query(`CREATE TABLE ${s}.api_key_usage (
      key_id TEXT NOT NULL REFERENCES ${s}.api_keys(id) ON DELETE CASCADE, day TEXT NOT NULL,
      count INTEGER NOT NULL, PRIMARY KEY (key_id, day))`);
    await pg.pool.query(
      `INSERT INTO ${s}.api_keys (id, name, role, secret_hash, created_at) VALUES
       ('aaaaaaaaaaaa', 'old user', 'user', $1, now()), ('bbbbbbbbbbbb', 'old admin', 'admin', $1, now())`,
      ['ab'.repeat(32)],
    );
    await pg.pool.query(`INSERT INTO ${s}.api_key_usage VALUES ('aaaaaaaaaaaa', '2026-01-01', 3)`);

    const store = await pgApiKeyStore(pg.pool, pg.schema);
    assert.equal((await store.get('aaaaaaaaaaaa'))?.role, 'operator');
    assert.equal((await store.get('bbbbbbbbbbbb'))?.role, 'admin');
    assert.equal(await store.usage('aaaaaaaaaaaa', '2026-01-01'), 3);
    await store.insert({
      id: 'cccccccccccc',
      name: 'scoped reader',
      role: 'reader',
      collections: ['people'],
      apps: ['verify'],
      secretHash: 'ef'.repeat(32),
      dailyQuota: null,
      createdAt: new Date(3000),
      revokedAt: null,
      lastUsedAt: null,
    });
    assert.deepEqual((await store.get('cccccccccccc'))?.collections, ['people']);
    await assert.rejects(
      pg.pool.query(`UPDATE ${s}.api_keys SET role = 'user' WHERE id = 'aaaaaaaaaaaa'`),
      /api_keys_role_check/,
    );
    // A second start finds both migrations applied and changes nothing.
    await pgApiKeyStore(pg.pool, pg.schema);
    const { rows } = await pg.pool.query(
      `SELECT version FROM ${s}.facegate_migrations WHERE part = 'apikeys' ORDER BY version`,
    );
    assert.deepEqual(
      rows.map((r: { version: number }) => r.version),
      [1, 2],
    );
  } finally {
    await pg.close();
  }
});
