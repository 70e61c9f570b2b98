// After an erasure (or a retention purge) on Postgres. A DELETE, or the UPDATE of an audit redaction, leaves the old
// row versions in the table's pages, its TOAST table's and its indexes' until VACUUM; a plain VACUUM only marks
// their space free, so the bytes stay in the files until new rows reuse it. VACUUM FULL rewrites the table, its
// TOAST table and its indexes into new files; the old files are truncated at commit (and unlinked at the next
// checkpoint), so the table files hold no trace. The rewrite takes an ACCESS EXCLUSIVE lock (reads of the table wait
// for it), so only tables up to `rewriteMaxBytes` are rewritten, under a lock timeout; larger tables, and those whose
// lock was not granted in time, get a plain VACUUM. ANALYZE runs with either, so the column statistics (sample
// values in pg_statistic) are taken again from what is left. A deleted row that an older transaction of the same
// database may still see is "recently dead": VACUUM keeps it and VACUUM FULL copies it into the new file. So the
// run first waits, bounded, for the transactions open when the erasure committed to end, and reports those it did
// not outlive. VACUUM cannot run inside a transaction: this runs on a client of its own, after the erasure committed. What Postgres keeps regardless: WAL segments (until recycled and
// overwritten), base backups and WAL archives, replicas' own files (docs/privacy.md).
import type { Pool, PoolClient } from 'pg';
import { pgIdent } from './pg.migrate.ts';
import { pgCode } from './pg.database.ts';

/** Tables of a deployment's schema that hold personal data an erasure or a retention purge deletes or redacts. */
export const PERSONAL_TABLES = [
  'people',
  'person_photos',
  'faces',
  'users',
  'face_vectors',
  'vector_rows',
  'consents',
  'audit_log',
  'audit_subjects',
  'events',
  'deliveries',
  'delivery_attempts',
  'sms_outbox',
  'pipeline_runs',
  'pipeline_steps',
  'pipeline_records',
  'watched_files',
  'door_visitors',
  'door_visitor_faces',
  'door_passcodes',
  'door_pending',
  'door_denials',
  'door_visits',
  'door_attempts',
  'camera_visits',
  'liveness_sessions',
  'liveness_frames',
] as const;

export interface VacuumReport {
  /** Rewritten (VACUUM FULL): their files hold no deleted row any more. */
  rewritten: string[];
  /** Vacuumed only (too large, or busy): freed space keeps the old bytes until it is reused. */
  vacuumed: string[];
  /** Not vacuumed, with the reason (e.g. not the table's owner). */
  failed: string[];
  /**
   * Transactions older than the erasure still open after the wait (pid, application, start): rows they may see
   * were kept; the next erasure's or purge's run, or autovacuum, removes them.
   */
  olderTransactions: string[];
}

export interface VacuumOptions {
  /** Tables (with TOAST and indexes) up to this size are rewritten; 0: none. */
  rewriteMaxBytes: number;
  /** How long a rewrite waits for its lock before falling back to a plain VACUUM. */
  lockTimeoutMs?: number;
  /** How long to wait for transactions older than the erasure to end (default 10 s). */
  olderTransactionsWaitMs?: number;
}

/** Client backends of this database whose snapshot is older than `marker` (they may see the erased rows). */
async function olderThan(c: PoolClient, marker: string): Promise<string[]> {
  const { rows } = await c.query<{ pid: number; app: string; since: Date | null }>(
    `SELECT pid, application_name AS app, xact_start AS since FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
        AND backend_xmin IS NOT NULL AND age(backend_xmin) >= age($1::xid)`,
    [marker],
  );
  return rows.map((r) => `pid ${r.pid} (${r.app || 'no name'}, since ${r.since?.toISOString() ?? '?'})`);
}

async function outliveOlderTransactions(c: PoolClient, waitMs: number): Promise<string[]> {
  // An xid assigned now is newer than every erasure that committed before this call.
  const { rows } = await c.query<{ x: string }>(`SELECT (pg_current_xact_id()::text::bigint % 4294967296)::text AS x`);
  const marker = rows[0]!.x;
  const until = Date.now() + waitMs;
  for (;;) {
    const older = await olderThan(c, marker);
    if (!older.length || Date.now() >= until) return older;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Vacuums those of `tables` that exist in `schema`; never throws for one table (the report says). */
export async function vacuumTables(
  pool: Pool,
  schema: string,
  tables: readonly string[],
  options: VacuumOptions,
): Promise<VacuumReport> {
  const report: VacuumReport = { rewritten: [], vacuumed: [], failed: [], olderTransactions: [] };
  const c = await pool.connect();
  try {
    report.olderTransactions = await outliveOlderTransactions(c, options.olderTransactionsWaitMs ?? 10_000);
    await c.query(`SET lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs ?? 5000))}`);
    const { rows } = await c.query<{ name: string; bytes: string }>(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname = ANY($2::text[]) ORDER BY c.relname`,
      [schema, tables],
    );
    for (const r of rows) {
      const name = `${pgIdent(schema)}.${pgIdent(r.name)}`;
      try {
        if (Number(r.bytes) <= options.rewriteMaxBytes) {
          try {
            await c.query(`VACUUM (FULL, ANALYZE) ${name}`);
            report.rewritten.push(r.name);
            continue;
          } catch (e) {
            if (pgCode(e) !== '55P03') throw e; // lock_not_available: the table is busy, vacuum it in place
          }
        }
        await c.query(`VACUUM (ANALYZE) ${name}`);
        report.vacuumed.push(r.name);
      } catch (e) {
        report.failed.push(`${r.name}: ${(e as Error).message}`);
      }
    }
  } finally {
    await c.query('RESET lock_timeout').catch(() => undefined);
    c.release();
  }
  return report;
}
