// Older versions kept one SQLite file per part: facegate.db (collections, bookkeeping in schema_migrations),
// apps.sqlite (API keys, people, proctor candidates; app_migrations) and jobs.db (queue, pipeline, outbox, notify;
// jobs_migrations). At open, the deployment database adopts them: its own schema_migrations becomes the
// 'collections' part of app_migrations, and each other file's tables and rows are copied in one transaction together
// with their migration bookkeeping, so each store then sees its part at the version it had. The import is recorded in
// `legacy_imports` in that same transaction, and the file is renamed `<name>.migrated` after the commit; a crash in
// between is finished at the next start (recorded → only renamed).
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { ensureMigrationsTable } from '../apps/sqlite.migrate.ts';

export interface LegacyImport {
  file: string;
  /** Rows copied per table. */
  tables: Record<string, number>;
}

/** The per-part files of older versions, in import order. */
export const LEGACY_FILES = ['apps.sqlite', 'jobs.db'] as const;

const BOOKKEEPING = new Set(['app_migrations', 'jobs_migrations', 'schema_migrations', 'legacy_imports']);

const ensureBookkeeping = (db: Database): void => {
  ensureMigrationsTable(db);
  db.exec(`CREATE TABLE IF NOT EXISTS legacy_imports (file TEXT PRIMARY KEY, imported_at INTEGER NOT NULL,
    tables TEXT NOT NULL)`);
};

const hasTable = (db: Database, schema: string, name: string): boolean =>
  db.prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;

/** The collections part's own bookkeeping (schema_migrations) becomes part 'collections' of app_migrations. */
export function adoptCollectionsBookkeeping(db: Database): void {
  ensureMigrationsTable(db);
  if (!hasTable(db, 'main', 'schema_migrations')) return;
  db.transaction(() => {
    db.exec(`INSERT OR IGNORE INTO app_migrations (part, version, applied_at)
      SELECT 'collections', version, applied_at FROM schema_migrations`);
    db.exec('DROP TABLE schema_migrations');
  }).immediate();
}

/** Copies one attached file's tables (creating those missing) and its bookkeeping; returns rows per table. */
function copyAttached(db: Database): Record<string, number> {
  const tables = db
    .prepare<[], { name: string; sql: string }>(
      `SELECT name, sql FROM legacy.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid`,
    )
    .all();
  const counts: Record<string, number> = {};
  // Parents may come after children in the old file: foreign keys are checked at commit.
  db.pragma('defer_foreign_keys = ON');
  for (const t of tables) {
    if (BOOKKEEPING.has(t.name)) continue;
    if (!hasTable(db, 'main', t.name)) {
      // The old file's own DDL (unqualified, so it lands in main), with its indexes.
      db.exec(t.sql);
      const indexes = db
        .prepare<[string], { sql: string }>(
          `SELECT sql FROM legacy.sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`,
        )
        .all(t.name);
      for (const i of indexes) db.exec(i.sql);
    }
    const cols = (name: string, schema: string) =>
      (db.pragma(`${schema}.table_info(${JSON.stringify(name)})`) as { name: string }[]).map((c) => c.name);
    const mainCols = new Set(cols(t.name, 'main'));
    const shared = cols(t.name, 'legacy')
      .filter((c) => mainCols.has(c))
      .map((c) => JSON.stringify(c))
      .join(', ');
    const q = JSON.stringify(t.name);
    counts[t.name] = db
      .prepare(`INSERT OR IGNORE INTO main.${q} (${shared}) SELECT ${shared} FROM legacy.${q}`)
      .run().changes;
  }
  for (const book of ['app_migrations', 'jobs_migrations']) {
    if (!hasTable(db, 'legacy', book)) continue;
    db.exec(`INSERT OR IGNORE INTO main.app_migrations (part, version, applied_at)
      SELECT part, version, applied_at FROM legacy.${book}`);
  }
  return counts;
}

/** Folds a file's WAL into it and closes it, so that ATTACH reads one self-contained file. */
function checkpointFile(path: string): void {
  const old = new BetterSqlite3(path);
  try {
    old.pragma('busy_timeout = 5000');
    old.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    old.close();
  }
}

function retire(path: string): void {
  renameSync(path, `${path}.migrated`);
  for (const side of ['-wal', '-shm']) rmSync(`${path}${side}`, { force: true });
}

export function importLegacyFiles(db: Database, dataDir: string): LegacyImport[] {
  ensureBookkeeping(db);
  adoptCollectionsBookkeeping(db);
  const done: LegacyImport[] = [];
  for (const file of LEGACY_FILES) {
    const path = join(dataDir, file);
    if (!existsSync(path)) continue;
    const recorded = db.prepare('SELECT 1 FROM legacy_imports WHERE file = ?').get(file) !== undefined;
    if (!recorded) {
      checkpointFile(path);
      db.prepare('ATTACH DATABASE ? AS legacy').run(path);
      try {
        const tables = db
          .transaction(() => {
            const counts = copyAttached(db);
            db.prepare('INSERT INTO legacy_imports (file, imported_at, tables) VALUES (?, ?, ?)').run(
              file,
              Date.now(),
              JSON.stringify(counts),
            );
            return counts;
          })
          .immediate();
        done.push({ file, tables });
      } finally {
        db.exec('DETACH DATABASE legacy');
      }
    }
    retire(path);
  }
  return done;
}
