// Numbered migrations (migrations/NNN_name.sql), applied in order, recorded as part 'collections' of app_migrations
// (src/apps/sqlite.migrate.ts) on the deployment database. A file's number is its position: 001, 002, … with no
// gaps. A migration file is never edited once released: add the next number instead.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { migrate as migratePart } from '../apps/sqlite.migrate.ts';
import { adoptCollectionsBookkeeping } from '../db/sqlite.legacy.ts';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const NAME = /^(\d{3})_[a-z0-9_]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir: string = DIR): Migration[] {
  const all = readdirSync(dir)
    .filter((f) => NAME.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(dir + f, 'utf8') }));
  all.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`collections migration ${m.name} is out of sequence (expected ${i + 1})`);
  });
  return all;
}

/** Applies the migrations newer than the database's; returns the names applied. */
export function migrate(db: Database, migrations: Migration[] = loadMigrations()): string[] {
  // A collections file from before the single database kept its own schema_migrations table.
  adoptCollectionsBookkeeping(db);
  const n = migratePart(
    db,
    'collections',
    migrations.map((m) => m.sql),
  );
  return migrations.slice(migrations.length - n).map((m) => m.name);
}
