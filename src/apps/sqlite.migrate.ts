// Numbered migrations for the apps' own SQLite tables (API keys, people, proctor candidates). Each part passes its
// ordered list of SQL scripts; applied versions are recorded per part, so a script is never run twice and released
// scripts are never edited (append a new one instead).
import type { Database } from 'better-sqlite3';

export function migrate(db: Database, part: string, scripts: readonly string[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    part TEXT NOT NULL, version INTEGER NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (part, version))`);
  const applied = db.prepare<[string], { v: number | null }>(
    `SELECT MAX(version) AS v FROM schema_migrations WHERE part = ?`,
  );
  const record = db.prepare(`INSERT INTO schema_migrations (part, version, applied_at) VALUES (?, ?, ?)`);
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
