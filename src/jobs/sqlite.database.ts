// The queue, the pipeline's runs, the event outbox and the notification tables live on the deployment database
// (src/db/sqlite.database.ts), so that a step's result, its events and its successor job are written in one
// transaction. These names remain for the stores and tests that take a handle of their own (a file or ':memory:').
import type { Database as Db } from 'better-sqlite3';
import { migrate } from '../apps/sqlite.migrate.ts';
import { openSqliteFile } from '../db/sqlite.database.ts';

export type SqliteDatabase = Db;

/** One SQLite file with the deployment's pragmas (see openSqliteFile). */
export function openJobsDatabase(path: string, options: { synchronous?: 'FULL' | 'NORMAL' } = {}): Db {
  return openSqliteFile(path, options);
}

/** Applies each part's numbered scripts once, in order, recorded in app_migrations like every other part. */
export function migrateJobsDatabase(db: Db, part: string, scripts: readonly string[]): void {
  migrate(db, part, scripts);
}
