// Numbered migrations (migrations/NNN_name.sql), applied in order, each in its own transaction, recorded in
// schema_migrations. A migration file is never edited once released: add the next number instead.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const NAME = /^(\d{3})_[a-z0-9_]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir: string = DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => NAME.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(dir + f, 'utf8') }));
}

/** Applies the migrations newer than the database's; returns the names applied. */
export function migrate(db: Database, migrations: Migration[] = loadMigrations()): string[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  );
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  const applied: string[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    })();
    applied.push(m.name);
  }
  return applied;
}
