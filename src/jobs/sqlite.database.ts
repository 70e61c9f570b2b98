// Opens the jobs database (<dataDir>/jobs.db): the queue, the pipeline's runs and the event outbox share it, so that
// a step's result, its events and its successor job are written in one transaction. Kept apart from the collections'
// facegate.db so that the pipeline's write traffic never holds that database's write lock.
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqliteDatabase = Db;

/** `synchronous`: FULL (default) survives a power cut; NORMAL survives a process crash only, with far fewer fsyncs. */
export function openJobsDatabase(path: string, options: { synchronous?: 'FULL' | 'NORMAL' } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged job or run survives a power cut, not only a process crash. The same setting as the
  // collections' database (FACEGATE_DB_SYNCHRONOUS), so one knob states the install's durability.
  db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  // Several processes (API, workers) share the file: wait for the write lock instead of failing.
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // Erased events, notifications and SMS leave no bytes in free pages (docs/privacy.md).
  db.pragma('secure_delete = ON');
  return db;
}

/**
 * Applies each part's numbered scripts once, in order, recording them in jobs_migrations (its own table name, so the
 * file never collides with another part's migration bookkeeping). Released scripts are never edited: append one.
 */
export function migrateJobsDatabase(db: Db, part: string, scripts: readonly string[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS jobs_migrations (
    part TEXT NOT NULL, version INTEGER NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (part, version))`);
  const done = db.prepare<[string], { v: number | null }>(
    'SELECT MAX(version) AS v FROM jobs_migrations WHERE part = ?',
  );
  const record = db.prepare('INSERT INTO jobs_migrations (part, version, applied_at) VALUES (?, ?, ?)');
  db.transaction(() => {
    const current = done.get(part)?.v ?? 0;
    scripts.forEach((sql, i) => {
      if (i + 1 <= current) return;
      db.exec(sql);
      record.run(part, i + 1, Date.now());
    });
  }).immediate();
}
