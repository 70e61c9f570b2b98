// Postgres driver of the CandidateStore, on the deployment's pool and schema.
import type { Pool } from 'pg';
import { migratePg, pgIdent } from '../../db/pg.migrate.ts';
import type { Candidate, CandidateStore } from './candidates.port.ts';

const MIGRATIONS = [
  `CREATE TABLE \${schema}.proctor_candidates (
     external_image_id TEXT PRIMARY KEY, full_name TEXT NOT NULL, face_id TEXT NOT NULL,
     created_at TIMESTAMPTZ NOT NULL);
   CREATE INDEX proctor_candidates_recent ON \${schema}.proctor_candidates (created_at DESC);`,
];

interface Row {
  external_image_id: string;
  full_name: string;
  face_id: string;
  created_at: Date;
}

const from = (r: Row): Candidate => ({
  externalImageId: r.external_image_id,
  fullName: r.full_name,
  faceId: r.face_id,
  createdAt: r.created_at,
});

export async function pgCandidateStore(pool: Pool, schema = 'public'): Promise<CandidateStore> {
  await migratePg(pool, 'proctor', MIGRATIONS, schema);
  const s = pgIdent(schema);
  return {
    insert: async (c) => {
      await pool.query(
        `INSERT INTO ${s}.proctor_candidates (external_image_id, full_name, face_id, created_at) VALUES ($1, $2, $3, $4)`,
        [c.externalImageId, c.fullName, c.faceId, c.createdAt],
      );
    },
    get: async (id) => {
      const { rows } = await pool.query<Row>(`SELECT * FROM ${s}.proctor_candidates WHERE external_image_id = $1`, [
        id,
      ]);
      return rows[0] && from(rows[0]);
    },
    list: async (limit) =>
      (
        await pool.query<Row>(`SELECT * FROM ${s}.proctor_candidates ORDER BY created_at DESC LIMIT $1`, [limit])
      ).rows.map(from),
    delete: async (id) =>
      ((await pool.query(`DELETE FROM ${s}.proctor_candidates WHERE external_image_id = $1`, [id])).rowCount ?? 0) ===
      1,
  };
}
