// Postgres driver of the ConsentStore (pg Pool + schema; migrations via db/pg.migrate.ts).
import type { Pool } from 'pg';
import { migratePg, pgIdent } from '../db/pg.migrate.ts';
import { consentFrom, consentValues, type ConsentRow } from './consent.sqlite.ts';
import type { ConsentStore } from './consent.types.ts';

const MIGRATIONS = [
  `CREATE TABLE \${schema}.consents (
     collection_id TEXT NOT NULL,
     subject_id TEXT NOT NULL,
     purpose TEXT NOT NULL,
     method TEXT NOT NULL,
     given_by TEXT NOT NULL,
     given_at BIGINT NOT NULL,
     text_version TEXT NOT NULL,
     recorded_by TEXT,
     recorded_at BIGINT NOT NULL,
     PRIMARY KEY (collection_id, subject_id)
   );
   CREATE INDEX consents_by_subject ON \${schema}.consents (subject_id);`,
];

export async function pgConsentStore(pool: Pool, schema = 'public'): Promise<ConsentStore> {
  await migratePg(pool, 'consent', MIGRATIONS, schema);
  const t = `${pgIdent(schema)}.consents`;
  return {
    put: async (r) => {
      await pool.query(
        `INSERT INTO ${t} (collection_id, subject_id, purpose, method, given_by, given_at, text_version, recorded_by,
           recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (collection_id, subject_id) DO UPDATE SET purpose = excluded.purpose, method = excluded.method,
           given_by = excluded.given_by, given_at = excluded.given_at, text_version = excluded.text_version,
           recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
        consentValues(r),
      );
    },
    get: async (c, s) => {
      const { rows } = await pool.query<ConsentRow>(`SELECT * FROM ${t} WHERE collection_id = $1 AND subject_id = $2`, [
        c,
        s,
      ]);
      return rows[0] && consentFrom(rows[0]);
    },
    forSubject: async (s) =>
      (await pool.query<ConsentRow>(`SELECT * FROM ${t} WHERE subject_id = $1 ORDER BY collection_id`, [s])).rows.map(
        consentFrom,
      ),
    delete: async (s) => (await pool.query(`DELETE FROM ${t} WHERE subject_id = $1`, [s])).rowCount ?? 0,
  };
}
