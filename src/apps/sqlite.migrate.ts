// Numbered migrations for the apps' own SQLite tables (API keys, people, proctor candidates). Each part passes its
// ordered list of SQL scripts; applied versions are recorded per part in `app_migrations` (the collections database
// keeps its own `schema_migrations`), so a script never runs twice. Released scripts are never edited: append one.
import type { Database } from 'better-sqlite3';

export function migrate(db: Database, part: string, scripts: readonly string[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS app_migrations (
    part TEXT NOT NULL, version INTEGER NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (part, version))`);
  const applied = db.prepare<[string], { v: number | null }>(
    `SELECT MAX(version) AS v FROM app_migrations WHERE part = ?`,
  );
  const record = db.prepare(`INSERT INTO app_migrations (part, version, applied_at) VALUES (?, ?, ?)`);
  const run = db.transaction(() => {
    const done = applied.get(part)?.v ?? 0;
    scripts.forEach((sql, i) => {
      const version = i + 1;
      if (version <= done) return;
      db.exec(sql);
      record.run(part, version, Date.now());
    });
  });
  run.immediate();
}
