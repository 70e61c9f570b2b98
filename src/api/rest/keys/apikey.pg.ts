// Postgres driver of the ApiKeyStore, for several API instances behind a load balancer: the daily quota is then
// counted once for all of them. Tables live in `schema` (default public), created idempotently under an advisory lock.
import type { Pool } from 'pg';
import type { ApiKeyRow, ApiKeyStore, Role } from './apikey.port.ts';

interface Row {
  id: string;
  name: string;
  role: Role;
  secret_hash: string;
  daily_quota: number | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const fromRow = (r: Row): ApiKeyRow => ({
  id: r.id,
  name: r.name,
  role: r.role,
  secretHash: r.secret_hash,
  dailyQuota: r.daily_quota,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

const ident = (s: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(s)) throw new Error(`invalid schema name ${s}`);
  return `"${s}"`;
};

export async function pgApiKeyStore(pool: Pool, schema = 'public'): Promise<ApiKeyStore> {
  const s = ident(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // One migrating instance at a time; the others wait, then find the tables.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('facegate.apikeys'))`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.api_keys (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
      secret_hash TEXT NOT NULL, daily_quota INTEGER, created_at TIMESTAMPTZ NOT NULL,
      revoked_at TIMESTAMPTZ, last_used_at TIMESTAMPTZ)`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.api_key_usage (
      key_id TEXT NOT NULL REFERENCES ${s}.api_keys(id) ON DELETE CASCADE, day TEXT NOT NULL,
      count INTEGER NOT NULL, PRIMARY KEY (key_id, day))`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
  return {
    insert: async (k) => {
      await pool.query(
        `INSERT INTO ${s}.api_keys (id, name, role, secret_hash, daily_quota, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [k.id, k.name, k.role, k.secretHash, k.dailyQuota, k.createdAt],
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
