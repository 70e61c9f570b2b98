// Postgres driver of the ApiKeyStore, for several API instances behind a load balancer: the daily quota is then
// counted once for all of them. Tables live in `schema` (default public), created by numbered migrations (part
// 'apikeys' in facegate_migrations) under the migration advisory lock.
import type { Pool } from 'pg';
import { migratePg, pgIdent } from '../../../db/pg.migrate.ts';
import type { ApiKeyRow, ApiKeyStore, AppName, Role } from './apikey.port.ts';

const MIGRATIONS = [
  // IF NOT EXISTS: deployments from before numbered migrations already hold these tables.
  `CREATE TABLE IF NOT EXISTS \${schema}.api_keys (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
     secret_hash TEXT NOT NULL, daily_quota INTEGER, created_at TIMESTAMPTZ NOT NULL,
     revoked_at TIMESTAMPTZ, last_used_at TIMESTAMPTZ);
   CREATE TABLE IF NOT EXISTS \${schema}.api_key_usage (
     key_id TEXT NOT NULL REFERENCES \${schema}.api_keys(id) ON DELETE CASCADE, day TEXT NOT NULL,
     count INTEGER NOT NULL, PRIMARY KEY (key_id, day))`,
  // Roles admin/operator/reader and scopes; former 'user' keys could write: they become operators.
  `ALTER TABLE \${schema}.api_keys DROP CONSTRAINT IF EXISTS api_keys_role_check;
   UPDATE \${schema}.api_keys SET role = 'operator' WHERE role = 'user';
   ALTER TABLE \${schema}.api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'operator', 'reader'));
   ALTER TABLE \${schema}.api_keys ADD COLUMN collections JSONB, ADD COLUMN apps JSONB`,
];

interface Row {
  id: string;
  name: string;
  role: Role;
  collections: string[] | null;
  apps: AppName[] | null;
  secret_hash: string;
  daily_quota: number | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/** JSON arrays (JSONB), null for no limit; node-postgres parses JSONB on read but not on write. */
const json = (values: readonly string[] | null): string | null => (values === null ? null : JSON.stringify(values));

const fromRow = (r: Row): ApiKeyRow => ({
  id: r.id,
  name: r.name,
  role: r.role,
  collections: r.collections,
  apps: r.apps,
  secretHash: r.secret_hash,
  dailyQuota: r.daily_quota,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

export async function pgApiKeyStore(pool: Pool, schema = 'public'): Promise<ApiKeyStore> {
  const s = pgIdent(schema);
  await migratePg(pool, 'apikeys', MIGRATIONS, schema);
  return {
    insert: async (k) => {
      await pool.query(
        `INSERT INTO ${s}.api_keys (id, name, role, secret_hash, daily_quota, created_at, collections, apps)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [k.id, k.name, k.role, k.secretHash, k.dailyQuota, k.createdAt, json(k.collections), json(k.apps)],
      );
    },
    get: async (id) => {
      const r = await pool.query<Row>(`SELECT * FROM ${s}.api_keys WHERE id = $1`, [id]);
      return r.rows[0] && fromRow(r.rows[0]);
    },
    list: async () =>
      (await pool.query<Row>(`SELECT * FROM ${s}.api_keys ORDER BY created_at DESC, id`)).rows.map(fromRow),
    revoke: async (id, at) =>
      ((await pool.query(`UPDATE ${s}.api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [id, at]))
        .rowCount ?? 0) === 1,
    // One statement: the counter and the last-used time move together, atomically across instances.
    countRequest: async (id, day, at) => {
      const r = await pool.query<{ count: number }>(
        `WITH touched AS (UPDATE ${s}.api_keys SET last_used_at = $3 WHERE id = $1)
         INSERT INTO ${s}.api_key_usage (key_id, day, count) VALUES ($1, $2, 1)
         ON CONFLICT (key_id, day) DO UPDATE SET count = ${s}.api_key_usage.count + 1 RETURNING count`,
        [id, day, at],
      );
      return r.rows[0]?.count ?? 0;
    },
    usage: async (id, day) => {
      const r = await pool.query<{ count: number }>(
        `SELECT count FROM ${s}.api_key_usage WHERE key_id = $1 AND day = $2`,
        [id, day],
      );
      return r.rows[0]?.count ?? 0;
    },
    close: async () => undefined,
  };
}
