// The apps' tables (API keys, people, proctor candidates) live on the deployment database
// (src/db/sqlite.database.ts). This opens that file on its own, for tools and tests that need only the apps' stores.
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { DATABASE_FILE, openSqliteFile } from '../db/sqlite.database.ts';

/**
 * `synchronous`: FULL (default) makes every commit survive power loss; NORMAL (WAL) survives a process crash only and
 * skips the fsync per commit — for counters where losing the last few increments on power loss is acceptable.
 */
export function openAppsDatabase(dataDir: string, synchronous: 'FULL' | 'NORMAL' = 'FULL'): Database {
  return openSqliteFile(join(dataDir, DATABASE_FILE), { synchronous });
}
