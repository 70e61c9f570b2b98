// Postgres driver of CameraStore (several Facegate instances sharing camera definitions and the visit log), on a
// caller-owned pg.Pool; tables in `schema`, migrated by db/pg.migrate.ts (part `cameras`).
import type { Pool } from 'pg';
import { migratePg, pgIdent } from '../db/pg.migrate.ts';
import type { CameraStore, StoredCamera } from './camera.store.ts';
import { cameraInputSchema, type VisitRecord } from './camera.types.ts';

const MIGRATIONS = [
  `CREATE TABLE \${schema}.cameras (id TEXT PRIMARY KEY, spec JSONB NOT NULL,
     created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
   CREATE TABLE \${schema}.camera_visits (id TEXT PRIMARY KEY, camera_id TEXT NOT NULL,
     decided_at TIMESTAMPTZ NOT NULL, left_at TIMESTAMPTZ, body JSONB NOT NULL);
   CREATE INDEX camera_visits_by_camera ON \${schema}.camera_visits (camera_id, decided_at);
   CREATE INDEX camera_visits_by_time ON \${schema}.camera_visits (decided_at);`,
];

interface CameraRow {
  spec: unknown;
  created_at: Date;
  updated_at: Date;
}
interface VisitRow {
  body: VisitRecord & { firstSeenAt: string; decidedAt: string };
  left_at: Date | null;
}

const toCamera = (r: CameraRow): StoredCamera => ({
  spec: cameraInputSchema.parse(r.spec),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const toVisit = (r: VisitRow): VisitRecord => ({
  ...r.body,
  firstSeenAt: new Date(r.body.firstSeenAt),
  decidedAt: new Date(r.body.decidedAt),
  leftAt: r.left_at,
});

export async function pgCameraStore(pool: Pool, schema = 'public'): Promise<CameraStore> {
  await migratePg(pool, 'cameras', MIGRATIONS, schema);
  const s = pgIdent(schema);
  const q = <R extends object>(sql: string, params: unknown[] = []) => pool.query<R>(sql, params);
  return {
    list: async () =>
      (await q<CameraRow>(`SELECT spec, created_at, updated_at FROM ${s}.cameras ORDER BY id`)).rows.map(toCamera),
    get: async (id) => {
      const r = (await q<CameraRow>(`SELECT spec, created_at, updated_at FROM ${s}.cameras WHERE id = $1`, [id]))
        .rows[0];
      return r && toCamera(r);
    },
    create: async (spec, at) =>
      ((
        await q(
          `INSERT INTO ${s}.cameras (id, spec, created_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT (id) DO NOTHING`,
          [spec.id, JSON.stringify(spec), at],
        )
      ).rowCount ?? 0) === 1,
    update: async (spec, at) =>
      ((
        await q(`UPDATE ${s}.cameras SET spec = $2, updated_at = $3 WHERE id = $1`, [spec.id, JSON.stringify(spec), at])
      ).rowCount ?? 0) === 1,
    delete: async (id) => ((await q(`DELETE FROM ${s}.cameras WHERE id = $1`, [id])).rowCount ?? 0) === 1,
    addVisit: async (v) => {
      await q(
        `INSERT INTO ${s}.camera_visits (id, camera_id, decided_at, left_at, body) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, left_at = EXCLUDED.left_at`,
        [v.id, v.cameraId, v.decidedAt, v.leftAt, JSON.stringify(v)],
      );
    },
    markLeft: async (id, at) => {
      await q(`UPDATE ${s}.camera_visits SET left_at = $2 WHERE id = $1 AND left_at IS NULL`, [id, at]);
    },
    recentVisits: async ({ cameraId, limit }) =>
      (cameraId === undefined
        ? await q<VisitRow>(`SELECT body, left_at FROM ${s}.camera_visits ORDER BY decided_at DESC LIMIT $1`, [limit])
        : await q<VisitRow>(
            `SELECT body, left_at FROM ${s}.camera_visits WHERE camera_id = $1 ORDER BY decided_at DESC LIMIT $2`,
            [cameraId, limit],
          )
      ).rows.map(toVisit),
    getVisit: async (id) => {
      const r = (await q<VisitRow>(`SELECT body, left_at FROM ${s}.camera_visits WHERE id = $1`, [id])).rows[0];
      return r && toVisit(r);
    },
    visitsNaming: async (ids) =>
      ids.length
        ? (
            await q<VisitRow>(
              `SELECT body, left_at FROM ${s}.camera_visits WHERE body->>'faceId' = ANY($1)
                 OR body->>'userId' = ANY($1) OR body->>'externalImageId' = ANY($1) ORDER BY decided_at, id`,
              [ids],
            )
          ).rows.map(toVisit)
        : [],
    visitsBefore: async (cameraId, before, limit) =>
      (
        await q<VisitRow>(
          `SELECT body, left_at FROM ${s}.camera_visits WHERE camera_id = $1 AND decided_at < $2
           ORDER BY decided_at, id LIMIT $3`,
          [cameraId, before, limit],
        )
      ).rows.map(toVisit),
    deleteVisits: async (ids) =>
      ids.length ? ((await q(`DELETE FROM ${s}.camera_visits WHERE id = ANY($1)`, [ids])).rowCount ?? 0) : 0,
  };
}
