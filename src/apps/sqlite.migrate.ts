// Numbered migrations for every part's SQLite tables, on the one deployment database (src/db/sqlite.database.ts).
// Each part passes its ordered list of SQL scripts; applied versions are recorded per part in `app_migrations`, so a
// script never runs twice. Released scripts are never edited: append one.
import type { Database } from 'better-sqlite3';

export function ensureMigrationsTable(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS app_migrations (
    part TEXT NOT NULL, version INTEGER NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (part, version))`);
}

/** Applies the scripts of `part` newer than its recorded version, in one IMMEDIATE transaction; returns how many. */
export function migrate(db: Database, part: string, scripts: readonly string[]): number {
  ensureMigrationsTable(db);
  const applied = db.prepare<[string], { v: number | null }>(
    `SELECT MAX(version) AS v FROM app_migrations WHERE part = ?`,
  );
  const record = db.prepare(`INSERT INTO app_migrations (part, version, applied_at) VALUES (?, ?, ?)`);
  const run = db.transaction(() => {
    const done = applied.get(part)?.v ?? 0;
    let n = 0;
    scripts.forEach((sql, i) => {
      const version = i + 1;
      if (version <= done) return;
      db.exec(sql);
      record.run(part, version, Date.now());
      n++;
    });
    return n;
  });
  return run.immediate();
}
