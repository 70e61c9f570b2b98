// Postgres driver of ProcessorStore: table `stream_processors` (one JSONB body per processor) in `schema`, migrated
// by db/pg.migrate.ts (part `stream_processors`).
import type { Pool } from 'pg';
import { migratePg, pgIdent } from '../../db/pg.migrate.ts';
import type { ProcessorStore, StreamProcessorRecord } from './processor.types.ts';

const MIGRATIONS = [`CREATE TABLE \${schema}.stream_processors (name TEXT PRIMARY KEY, body JSONB NOT NULL)`];

type Stored = StreamProcessorRecord & { createdAt: string; updatedAt: string };
const revive = (p: Stored): StreamProcessorRecord => ({
  ...p,
  createdAt: new Date(p.createdAt),
  updatedAt: new Date(p.updatedAt),
});

export async function pgProcessorStore(pool: Pool, schema = 'public'): Promise<ProcessorStore> {
  await migratePg(pool, 'stream_processors', MIGRATIONS, schema);
  const t = `${pgIdent(schema)}.stream_processors`;
  return {
    create: async (p) =>
      ((
        await pool.query(`INSERT INTO ${t} (name, body) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
          p.name,
          JSON.stringify(p),
        ])
      ).rowCount ?? 0) === 1,
    get: async (name) => {
      const r = (await pool.query<{ body: Stored }>(`SELECT body FROM ${t} WHERE name = $1`, [name])).rows[0];
      return r && revive(r.body);
    },
    put: async (p) => {
      await pool.query(`UPDATE ${t} SET body = $2 WHERE name = $1`, [p.name, JSON.stringify(p)]);
    },
    delete: async (name) => ((await pool.query(`DELETE FROM ${t} WHERE name = $1`, [name])).rowCount ?? 0) === 1,
    list: async (after, limit) =>
      (
        await pool.query<{ body: Stored }>(
          `SELECT body FROM ${t} WHERE name COLLATE "C" > $1 ORDER BY name COLLATE "C" LIMIT $2`,
          [after ?? '', limit],
        )
      ).rows.map((r) => revive(r.body)),
  };
}
