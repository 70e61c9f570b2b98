// SQLite driver of ProcessorStore: table `stream_processors` (one JSON body per processor) on a caller-owned handle.
import type { Database } from 'better-sqlite3';
import { migrate } from '../../apps/sqlite.migrate.ts';
import type { ProcessorStore, StreamProcessorRecord } from './processor.types.ts';

const MIGRATIONS = [`CREATE TABLE stream_processors (name TEXT PRIMARY KEY, body TEXT NOT NULL)`];

const revive = (body: string): StreamProcessorRecord => {
  const p = JSON.parse(body) as StreamProcessorRecord & { createdAt: string; updatedAt: string };
  return { ...p, createdAt: new Date(p.createdAt), updatedAt: new Date(p.updatedAt) };
};

export function sqliteProcessorStore(db: Database): ProcessorStore {
  migrate(db, 'stream_processors', MIGRATIONS);
  const q = {
    create: db.prepare(`INSERT OR IGNORE INTO stream_processors (name, body) VALUES (?, ?)`),
    get: db.prepare<[string], { body: string }>(`SELECT body FROM stream_processors WHERE name = ?`),
    put: db.prepare(`UPDATE stream_processors SET body = ? WHERE name = ?`),
    delete: db.prepare(`DELETE FROM stream_processors WHERE name = ?`),
    list: db.prepare<[string, number], { body: string }>(
      `SELECT body FROM stream_processors WHERE name > ? ORDER BY name LIMIT ?`,
    ),
  };
  return {
    create: async (p) => q.create.run(p.name, JSON.stringify(p)).changes === 1,
    get: async (name) => {
      const r = q.get.get(name);
      return r && revive(r.body);
    },
    put: async (p) => {
      q.put.run(JSON.stringify(p), p.name);
    },
    delete: async (name) => q.delete.run(name).changes === 1,
    list: async (after, limit) => q.list.all(after ?? '', limit).map((r) => revive(r.body)),
  };
}
