// What an erasure or a retention purge leaves in the database files, removed once it has committed: SQLite
// checkpoints its WAL with TRUNCATE (secure_delete already zeroed the freed cells); Postgres vacuums the tables that
// hold personal data (db/pg.vacuum.ts: small ones rewritten, large ones vacuumed in place). Calls that arrive while a
// run is in progress share the next run, which covers their rows too, so a burst of erasures costs two runs.
import { PERSONAL_TABLES, vacuumTables } from '../db/pg.vacuum.ts';
import type { StateDatabase } from '../db/state.database.ts';
import type { Logger } from '../logger.ts';

export function storageEraser(
  database: Pick<StateDatabase, 'sqlite' | 'pg'>,
  options: { rewriteMaxBytes: number; logger: Logger },
): () => Promise<void> {
  const log = options.logger.child({ module: 'erasure' });
  const once = async () => {
    database.sqlite.erase();
    const pg = database.pg;
    if (!pg) return;
    const started = performance.now();
    const report = await vacuumTables(pg.pool, pg.schema, PERSONAL_TABLES, {
      rewriteMaxBytes: options.rewriteMaxBytes,
    });
    const ms = Math.round(performance.now() - started);
    if (report.failed.length || report.olderTransactions.length) {
      log.warn({ ...report, ms }, 'erased rows: some may stay until the next vacuum (see failed, olderTransactions)');
    } else log.info({ ...report, ms }, 'erased rows vacuumed');
  };
  let current: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const p: Promise<void> = once().finally(() => {
      if (current === p) current = undefined;
    });
    current = p;
    return p;
  };
  return () => {
    if (queued) return queued;
    if (!current) return start();
    queued = current
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}
