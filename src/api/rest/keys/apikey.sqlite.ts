// SQLite driver of the ApiKeyStore. Takes an open better-sqlite3 handle (the composition root owns the file) and
// creates its two tables through numbered migrations recorded in `app_migrations` under the part name 'apikeys'.
import type { Database } from 'better-sqlite3';
import type { ApiKeyRow, ApiKeyStore, AppName, Role } from './apikey.port.ts';
import { migrate } from '../../../apps/sqlite.migrate.ts';

const MIGRATIONS = [
  `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
     secret_hash TEXT NOT NULL,
     daily_quota INTEGER,
     created_at INTEGER NOT NULL,
     revoked_at INTEGER,
     last_used_at INTEGER
   );
   CREATE TABLE api_key_usage (
     key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
     day TEXT NOT NULL,
     count INTEGER NOT NULL,
     PRIMARY KEY (key_id, day)
   );`,
  // Roles admin/operator/reader and scopes. SQLite cannot alter a CHECK constraint, so both tables are rebuilt:
  // the usage table is dropped before the keys table (its cascade would otherwise empty it), and renaming the new
  // keys table repoints the new usage table's foreign key. Former 'user' keys could write: they become operators.
  `CREATE TABLE api_keys_v2 (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'reader')),
     secret_hash TEXT NOT NULL,
     daily_quota INTEGER,
     created_at INTEGER NOT NULL,
     revoked_at INTEGER,
     last_used_at INTEGER,
     collections TEXT,
     apps TEXT
   );
   INSERT INTO api_keys_v2 (id, name, role, secret_hash, daily_quota, created_at, revoked_at, last_used_at)
     SELECT id, name, CASE role WHEN 'user' THEN 'operator' ELSE role END, secret_hash, daily_quota, created_at,
            revoked_at, last_used_at FROM api_keys;
   CREATE TABLE api_key_usage_v2 (
     key_id TEXT NOT NULL REFERENCES api_keys_v2(id) ON DELETE CASCADE,
     day TEXT NOT NULL,
     count INTEGER NOT NULL,
     PRIMARY KEY (key_id, day)
   );
   INSERT INTO api_key_usage_v2 SELECT key_id, day, count FROM api_key_usage;
   DROP TABLE api_key_usage;
   DROP TABLE api_keys;
   ALTER TABLE api_keys_v2 RENAME TO api_keys;
   ALTER TABLE api_key_usage_v2 RENAME TO api_key_usage;`,
];

interface Row {
  id: string;
  name: string;
  role: Role;
  /** JSON arrays, or null for no limit. */
  collections: string | null;
  apps: string | null;
  secret_hash: string;
  daily_quota: number | null;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

const toDate = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
const list = <T>(json: string | null): T[] | null => (json === null ? null : (JSON.parse(json) as T[]));
const json = (values: readonly string[] | null): string | null => (values === null ? null : JSON.stringify(values));

function fromRow(r: Row): ApiKeyRow {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    collections: list<string>(r.collections),
    apps: list<AppName>(r.apps),
    secretHash: r.secret_hash,
    dailyQuota: r.daily_quota,
    createdAt: new Date(r.created_at),
    revokedAt: toDate(r.revoked_at),
    lastUsedAt: toDate(r.last_used_at),
  };
}

/**
 * `counters`: an optional second connection to the same file for the per-request usage counter, typically opened
 * with synchronous=NORMAL: counting then costs no fsync per request (≈10 ms → well under 1 ms), while key creation
 * and revocation keep the main connection's durability.
 */
export function sqliteApiKeyStore(db: Database, counters: Database = db): ApiKeyStore {
  migrate(db, 'apikeys', MIGRATIONS);
  const insert = db.prepare(
    `INSERT INTO api_keys (id, name, role, secret_hash, daily_quota, created_at, collections, apps)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const get = db.prepare<[string], Row>(`SELECT * FROM api_keys WHERE id = ?`);
  const all = db.prepare<[], Row>(`SELECT * FROM api_keys ORDER BY created_at DESC, id`);
  const revoke = db.prepare(`UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`);
  const bump = counters.prepare<[string, string], { count: number }>(
    `INSERT INTO api_key_usage (key_id, day, count) VALUES (?, ?, 1)
     ON CONFLICT (key_id, day) DO UPDATE SET count = count + 1 RETURNING count`,
  );
  const touch = counters.prepare(`UPDATE api_keys SET last_used_at = ? WHERE id = ?`);
  const usage = db.prepare<[string, string], { count: number }>(
    `SELECT count FROM api_key_usage WHERE key_id = ? AND day = ?`,
  );
  // One transaction: the counter and last-used time move together.
  const count = counters.transaction((id: string, day: string, at: number) => {
    touch.run(at, id);
    return bump.get(id, day)?.count ?? 0;
  });
  return {
    insert: async (k) => {
      const scope = [json(k.collections), json(k.apps)];
      insert.run(k.id, k.name, k.role, k.secretHash, k.dailyQuota, k.createdAt.getTime(), ...scope);
    },
    get: async (id) => {
      const r = get.get(id);
      return r && fromRow(r);
    },
    list: async () => all.all().map(fromRow),
    revoke: async (id, at) => revoke.run(at.getTime(), id).changes === 1,
    countRequest: async (id, day, at) => count(id, day, at.getTime()),
    usage: async (id, day) => usage.get(id, day)?.count ?? 0,
    close: async () => undefined,
  };
}
