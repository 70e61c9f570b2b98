// SQLite driver of the BucketQuotaStore, on the deployment database. Reserving is one conditional UPDATE, so two
// writers of one bucket cannot both take the last bytes (SQLite serialises writes).
import type { Database } from 'better-sqlite3';
import { migrate } from '../../apps/sqlite.migrate.ts';
import type { BucketLimits, BucketQuotaStore, BucketUsage } from './bucket-quota.port.ts';

const MIGRATIONS = [
  `CREATE TABLE bucket_usage (
     bucket TEXT PRIMARY KEY,
     bytes INTEGER NOT NULL,
     objects INTEGER NOT NULL,
     counted_at INTEGER NOT NULL
   );
   CREATE TABLE bucket_limits (
     bucket TEXT PRIMARY KEY,
     max_bytes INTEGER,
     max_objects INTEGER
   );`,
];

export function sqliteBucketQuotaStore(db: Database): BucketQuotaStore {
  migrate(db, 'bucket-quotas', MIGRATIONS);
  const usage = db.prepare<[string], BucketUsage>(`SELECT bytes, objects FROM bucket_usage WHERE bucket = ?`);
  const init = db.prepare(
    `INSERT INTO bucket_usage (bucket, bytes, objects, counted_at) VALUES (?, ?, ?, ?) ON CONFLICT (bucket) DO NOTHING`,
  );
  const set = db.prepare(
    `INSERT INTO bucket_usage (bucket, bytes, objects, counted_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (bucket) DO UPDATE SET bytes = excluded.bytes, objects = excluded.objects,
       counted_at = excluded.counted_at`,
  );
  const reserve = db.prepare<{ bucket: string; db: number; do: number; mb: number; mo: number }>(
    `UPDATE bucket_usage SET bytes = bytes + @db, objects = objects + @do
     WHERE bucket = @bucket
       AND (@db <= 0 OR @mb = 0 OR bytes + @db <= @mb)
       AND (@do <= 0 OR @mo = 0 OR objects + @do <= @mo)`,
  );
  const adjust = db.prepare(`UPDATE bucket_usage SET bytes = bytes + ?, objects = objects + ? WHERE bucket = ?`);
  const limits = db.prepare<[string], { max_bytes: number | null; max_objects: number | null }>(
    `SELECT max_bytes, max_objects FROM bucket_limits WHERE bucket = ?`,
  );
  const setLimits = db.prepare(
    `INSERT INTO bucket_limits (bucket, max_bytes, max_objects) VALUES (?, ?, ?)
     ON CONFLICT (bucket) DO UPDATE SET max_bytes = excluded.max_bytes, max_objects = excluded.max_objects`,
  );
  const dropLimits = db.prepare(`DELETE FROM bucket_limits WHERE bucket = ?`);
  return {
    usage: async (bucket) => usage.get(bucket),
    initUsage: async (bucket, u) => void init.run(bucket, u.bytes, u.objects, Date.now()),
    setUsage: async (bucket, u) => void set.run(bucket, u.bytes, u.objects, Date.now()),
    reserve: async (bucket, d, l) =>
      reserve.run({ bucket, db: d.bytes, do: d.objects, mb: l.maxBytes, mo: l.maxObjects }).changes === 1,
    adjust: async (bucket, d) => void adjust.run(d.bytes, d.objects, bucket),
    limits: async (bucket): Promise<BucketLimits | undefined> => {
      const r = limits.get(bucket);
      return r && { maxBytes: r.max_bytes, maxObjects: r.max_objects };
    },
    setLimits: async (bucket, l) => void (l ? setLimits.run(bucket, l.maxBytes, l.maxObjects) : dropLimits.run(bucket)),
  };
}
