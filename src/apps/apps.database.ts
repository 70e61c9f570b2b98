// The apps' own SQLite file (<dataDir>/apps.sqlite): API keys, people, proctor candidates. Kept apart from the
// collections database so each part migrates its own schema; both live under the one data directory.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';

/**
 * `synchronous`: FULL (default) makes every commit survive power loss; NORMAL (WAL) survives a process crash only and
 * skips the fsync per commit — for counters where losing the last few increments on power loss is acceptable.
 */
export function openAppsDatabase(dataDir: string, synchronous: 'FULL' | 'NORMAL' = 'FULL'): Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new BetterSqlite3(join(dataDir, 'apps.sqlite'));
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged key, revocation, person or candidate survives power loss, like the collections database.
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Erased people, consent and redacted audit fields leave no bytes in free pages (docs/privacy.md).
  db.pragma('secure_delete = ON');
  return db;
}
