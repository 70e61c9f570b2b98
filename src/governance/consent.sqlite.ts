// SQLite driver of the ConsentStore, on the deployment's database handle.
import type { Database } from 'better-sqlite3';
import { migrate } from '../apps/sqlite.migrate.ts';
import type { ConsentRecord, ConsentStore } from './consent.types.ts';

const MIGRATIONS = [
  `CREATE TABLE consents (
     collection_id TEXT NOT NULL,
     subject_id TEXT NOT NULL,
     purpose TEXT NOT NULL,
     method TEXT NOT NULL,
     given_by TEXT NOT NULL,
     given_at INTEGER NOT NULL,
     text_version TEXT NOT NULL,
     recorded_by TEXT,
     recorded_at INTEGER NOT NULL,
     PRIMARY KEY (collection_id, subject_id)
   );
   CREATE INDEX consents_by_subject ON consents (subject_id);`,
];

export interface ConsentRow {
  collection_id: string;
  subject_id: string;
  purpose: string;
  method: string;
  given_by: string;
  given_at: number | string;
  text_version: string;
  recorded_by: string | null;
  recorded_at: number | string;
}

export const consentFrom = (r: ConsentRow): ConsentRecord => ({
  collectionId: r.collection_id,
  subjectId: r.subject_id,
  purpose: r.purpose,
  method: r.method as ConsentRecord['method'],
  givenBy: r.given_by,
  givenAt: new Date(Number(r.given_at)),
  textVersion: r.text_version,
  recordedBy: r.recorded_by,
  recordedAt: new Date(Number(r.recorded_at)),
});

export const consentValues = (r: ConsentRecord): unknown[] => [
  r.collectionId,
  r.subjectId,
  r.purpose,
  r.method,
  r.givenBy,
  r.givenAt.getTime(),
  r.textVersion,
  r.recordedBy,
  r.recordedAt.getTime(),
];

export function sqliteConsentStore(db: Database): ConsentStore {
  migrate(db, 'consent', MIGRATIONS);
  const put = db.prepare(
    `INSERT OR REPLACE INTO consents (collection_id, subject_id, purpose, method, given_by, given_at, text_version,
       recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const get = db.prepare<[string, string], ConsentRow>(
    `SELECT * FROM consents WHERE collection_id = ? AND subject_id = ?`,
  );
  const forSubject = db.prepare<[string], ConsentRow>(
    `SELECT * FROM consents WHERE subject_id = ? ORDER BY collection_id`,
  );
  const del = db.prepare(`DELETE FROM consents WHERE subject_id = ?`);
  return {
    put: async (r) => void put.run(...consentValues(r)),
    get: async (c, s) => {
      const r = get.get(c, s);
      return r && consentFrom(r);
    },
    forSubject: async (s) => forSubject.all(s).map(consentFrom),
    delete: async (s) => del.run(s).changes,
  };
}
