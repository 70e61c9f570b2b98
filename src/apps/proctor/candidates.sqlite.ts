// SQLite driver of the CandidateStore, on the deployment database.
import type { Database } from 'better-sqlite3';
import { migrate } from '../sqlite.migrate.ts';
import type { Candidate, CandidateStore } from './candidates.port.ts';

const MIGRATIONS = [
  `CREATE TABLE proctor_candidates (
     external_image_id TEXT PRIMARY KEY,
     full_name TEXT NOT NULL,
     face_id TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );`,
];

interface Row {
  external_image_id: string;
  full_name: string;
  face_id: string;
  created_at: number;
}

const from = (r: Row): Candidate => ({
  externalImageId: r.external_image_id,
  fullName: r.full_name,
  faceId: r.face_id,
  createdAt: new Date(r.created_at),
});

export function sqliteCandidateStore(db: Database): CandidateStore {
  migrate(db, 'proctor', MIGRATIONS);
  const ins = db.prepare(
    `INSERT INTO proctor_candidates (external_image_id, full_name, face_id, created_at) VALUES (?, ?, ?, ?)`,
  );
  const get = db.prepare<[string], Row>(`SELECT * FROM proctor_candidates WHERE external_image_id = ?`);
  const list = db.prepare<[number], Row>(`SELECT * FROM proctor_candidates ORDER BY created_at DESC LIMIT ?`);
  const del = db.prepare(`DELETE FROM proctor_candidates WHERE external_image_id = ?`);
  return {
    insert: async (c) => {
      ins.run(c.externalImageId, c.fullName, c.faceId, c.createdAt.getTime());
    },
    get: async (id) => {
      const r = get.get(id);
      return r && from(r);
    },
    list: async (limit) => list.all(limit).map(from),
    delete: async (id) => del.run(id).changes === 1,
    stageInsert: (c) => ({
      sqlite: () => void ins.run(c.externalImageId, c.fullName, c.faceId, c.createdAt.getTime()),
    }),
    stageDelete: (id) => ({ sqlite: () => void del.run(id) }),
  };
}
