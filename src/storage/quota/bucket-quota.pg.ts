// Postgres driver of the BucketQuotaStore, for several API processes over one object store: the usage row is
// shared, and reserving is one conditional UPDATE (row-locked), so no two processes take the same last bytes.
// BIGINT columns come back from node-postgres as strings; they are read as numbers (bytes stay below 2^53).
import type { Pool } from 'pg';
import { migratePg, pgIdent } from '../../db/pg.migrate.ts';
import type { BucketQuotaStore } from './bucket-quota.port.ts';

const MIGRATIONS = [
  `CREATE TABLE \${schema}.bucket_usage (
     bucket TEXT PRIMARY KEY, bytes BIGINT NOT NULL, objects BIGINT NOT NULL, counted_at TIMESTAMPTZ NOT NULL);
   CREATE TABLE \${schema}.bucket_limits (bucket TEXT PRIMARY KEY, max_bytes BIGINT, max_objects BIGINT)`,
];

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

export async function pgBucketQuotaStore(pool: Pool, schema = 'public'): Promise<BucketQuotaStore> {
  const s = pgIdent(schema);
  await migratePg(pool, 'bucket-quotas', MIGRATIONS, schema);
  return {
    usage: async (bucket) => {
      const r = await pool.query<{ bytes: string; objects: string }>(
        `SELECT bytes, objects FROM ${s}.bucket_usage WHERE bucket = $1`,
        [bucket],
      );
      const row = r.rows[0];
      return row && { bytes: Number(row.bytes), objects: Number(row.objects) };
    },
    initUsage: async (bucket, u) => {
      await pool.query(
        `INSERT INTO ${s}.bucket_usage (bucket, bytes, objects, counted_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (bucket) DO NOTHING`,
        [bucket, u.bytes, u.objects],
      );
    },
    setUsage: async (bucket, u) => {
      await pool.query(
        `INSERT INTO ${s}.bucket_usage (bucket, bytes, objects, counted_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (bucket) DO UPDATE SET bytes = excluded.bytes, objects = excluded.objects,
           counted_at = excluded.counted_at`,
        [bucket, u.bytes, u.objects],
      );
    },
    reserve: async (bucket, d, l) => {
      const r = await pool.query(
        `UPDATE ${s}.bucket_usage SET bytes = bytes + $2::bigint, objects = objects + $3::bigint
         WHERE bucket = $1
           AND ($2::bigint <= 0 OR $4::bigint = 0 OR bytes + $2::bigint <= $4::bigint)
           AND ($3::bigint <= 0 OR $5::bigint = 0 OR objects + $3::bigint <= $5::bigint)`,
        [bucket, d.bytes, d.objects, l.maxBytes, l.maxObjects],
      );
      return r.rowCount === 1;
    },
    adjust: async (bucket, d) => {
      await pool.query(
        `UPDATE ${s}.bucket_usage SET bytes = bytes + $2::bigint, objects = objects + $3::bigint WHERE bucket = $1`,
        [bucket, d.bytes, d.objects],
      );
    },
    limits: async (bucket) => {
      const r = await pool.query<{ max_bytes: string | null; max_objects: string | null }>(
        `SELECT max_bytes, max_objects FROM ${s}.bucket_limits WHERE bucket = $1`,
        [bucket],
      );
      const row = r.rows[0];
      return row && { maxBytes: num(row.max_bytes), maxObjects: num(row.max_objects) };
    },
    setLimits: async (bucket, l) => {
      if (!l) {
        await pool.query(`DELETE FROM ${s}.bucket_limits WHERE bucket = $1`, [bucket]);
        return;
      }
      await pool.query(
        `INSERT INTO ${s}.bucket_limits (bucket, max_bytes, max_objects) VALUES ($1, $2, $3)
         ON CONFLICT (bucket) DO UPDATE SET max_bytes = excluded.max_bytes, max_objects = excluded.max_objects`,
        [bucket, l.maxBytes, l.maxObjects],
      );
    },
  };
}
