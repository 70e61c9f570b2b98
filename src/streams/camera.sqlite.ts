// SQLite driver of CameraStore: tables `cameras` and `camera_visits` on a better-sqlite3 handle the caller owns.
import type { Database } from 'better-sqlite3';
import { migrate } from '../apps/sqlite.migrate.ts';
import type { CameraStore, StoredCamera } from './camera.store.ts';
import { cameraInputSchema, type VisitRecord } from './camera.types.ts';

const MIGRATIONS = [
  `CREATE TABLE cameras (id TEXT PRIMARY KEY, spec TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
   CREATE TABLE camera_visits (
     id TEXT PRIMARY KEY, camera_id TEXT NOT NULL, decided_at INTEGER NOT NULL, left_at INTEGER, body TEXT NOT NULL);
   CREATE INDEX camera_visits_by_camera ON camera_visits (camera_id, decided_at);
   CREATE INDEX camera_visits_by_time ON camera_visits (decided_at);`,
];

interface CameraRow {
  spec: string;
  created_at: number;
  updated_at: number;
}
interface VisitRow {
  body: string;
  left_at: number | null;
}

const toCamera = (r: CameraRow): StoredCamera => ({
  spec: cameraInputSchema.parse(JSON.parse(r.spec)),
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

function toVisit(r: VisitRow): VisitRecord {
  const v = JSON.parse(r.body) as VisitRecord & { firstSeenAt: string; decidedAt: string };
  return {
    ...v,
    firstSeenAt: new Date(v.firstSeenAt),
    decidedAt: new Date(v.decidedAt),
    leftAt: r.left_at === null ? null : new Date(r.left_at),
  };
}

export function sqliteCameraStore(db: Database): CameraStore {
  migrate(db, 'cameras', MIGRATIONS);
  const q = {
    list: db.prepare<[], CameraRow>(`SELECT spec, created_at, updated_at FROM cameras ORDER BY id`),
    get: db.prepare<[string], CameraRow>(`SELECT spec, created_at, updated_at FROM cameras WHERE id = ?`),
    create: db.prepare(`INSERT OR IGNORE INTO cameras (id, spec, created_at, updated_at) VALUES (?, ?, ?, ?)`),
    update: db.prepare(`UPDATE cameras SET spec = ?, updated_at = ? WHERE id = ?`),
    delete: db.prepare(`DELETE FROM cameras WHERE id = ?`),
    addVisit: db.prepare(`INSERT OR REPLACE INTO camera_visits (id, camera_id, decided_at, left_at, body)
      VALUES (?, ?, ?, ?, ?)`),
    left: db.prepare(`UPDATE camera_visits SET left_at = ? WHERE id = ? AND left_at IS NULL`),
    recent: db.prepare<[number], VisitRow>(`SELECT body, left_at FROM camera_visits ORDER BY decided_at DESC LIMIT ?`),
    recentOf: db.prepare<[string, number], VisitRow>(
      `SELECT body, left_at FROM camera_visits WHERE camera_id = ? ORDER BY decided_at DESC LIMIT ?`,
    ),
    visit: db.prepare<[string], VisitRow>(`SELECT body, left_at FROM camera_visits WHERE id = ?`),
    before: db.prepare<[string, number, number], VisitRow>(
      `SELECT body, left_at FROM camera_visits WHERE camera_id = ? AND decided_at < ? ORDER BY decided_at, id LIMIT ?`,
    ),
  };
  const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
  return {
    list: async () => q.list.all().map(toCamera),
    get: async (id) => {
      const r = q.get.get(id);
      return r && toCamera(r);
    },
    create: async (spec, at) => q.create.run(spec.id, JSON.stringify(spec), at.getTime(), at.getTime()).changes === 1,
    update: async (spec, at) => q.update.run(JSON.stringify(spec), at.getTime(), spec.id).changes === 1,
    delete: async (id) => q.delete.run(id).changes === 1,
    addVisit: async (v) => {
      q.addVisit.run(v.id, v.cameraId, v.decidedAt.getTime(), v.leftAt?.getTime() ?? null, JSON.stringify(v));
    },
    markLeft: async (id, at) => {
      q.left.run(at.getTime(), id);
    },
    recentVisits: async ({ cameraId, limit }) =>
      (cameraId === undefined ? q.recent.all(limit) : q.recentOf.all(cameraId, limit)).map(toVisit),
    getVisit: async (id) => {
      const r = q.visit.get(id);
      return r && toVisit(r);
    },
    visitsNaming: async (ids) => {
      if (!ids.length) return [];
      const m = marks(ids.length);
      const rows = db
        .prepare<unknown[], VisitRow>(
          `SELECT body, left_at FROM camera_visits WHERE json_extract(body, '$.faceId') IN (${m})
             OR json_extract(body, '$.userId') IN (${m}) OR json_extract(body, '$.externalImageId') IN (${m})
           ORDER BY decided_at, id`,
        )
        .all(...ids, ...ids, ...ids);
      return rows.map(toVisit);
    },
    visitsBefore: async (cameraId, before, limit) => q.before.all(cameraId, before.getTime(), limit).map(toVisit),
    deleteVisits: async (ids) =>
      ids.length ? db.prepare(`DELETE FROM camera_visits WHERE id IN (${marks(ids.length)})`).run(...ids).changes : 0,
  };
}
