// Postgres driver of the AuditStore (a pg Pool + schema; migrations via db/pg.migrate.ts). Appends take a
// transaction-scoped advisory lock, so several API processes extend one chain without forking it. As on SQLite,
// triggers refuse edits of chained columns and deletes outside retention's purge.
import type { Pool, PoolClient } from 'pg';
import { migratePg, pgIdent } from '../db/pg.migrate.ts';
import { withPgTransaction } from '../db/pg.database.ts';
import { AUDIT_COLUMNS, entryFrom, filterSql, rowValues, subjectsOf, type AuditRow } from './audit.rows.ts';
import type { AuditAnchor, AuditStore } from './audit.types.ts';

const MIGRATIONS = [
  `CREATE TABLE \${schema}.audit_log (
     seq BIGINT PRIMARY KEY,
     at BIGINT NOT NULL,
     api TEXT NOT NULL,
     operation TEXT NOT NULL,
     actor_kind TEXT NOT NULL,
     actor_id TEXT NOT NULL,
     address TEXT,
     collection_id TEXT,
     outcome TEXT NOT NULL,
     decision TEXT,
     similarity DOUBLE PRECISION,
     personal TEXT,
     salt TEXT,
     commitment TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     redacted_at BIGINT
   );
   CREATE INDEX audit_log_by_at ON \${schema}.audit_log (at);
   CREATE TABLE \${schema}.audit_subjects (subject TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (subject, seq));
   CREATE INDEX audit_subjects_by_seq ON \${schema}.audit_subjects (seq);
   CREATE TABLE \${schema}.audit_anchor (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL);
   CREATE FUNCTION \${schema}.audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'DELETE' THEN
       IF coalesce(current_setting('facegate.audit_purge', true), '') <> 'on' THEN
         RAISE EXCEPTION 'the audit log is append-only: entries leave only by retention';
       END IF;
       RETURN OLD;
     END IF;
     IF (NEW.seq, NEW.at, NEW.api, NEW.operation, NEW.actor_kind, NEW.actor_id, NEW.address, NEW.collection_id,
         NEW.outcome, NEW.decision, NEW.similarity, NEW.commitment, NEW.prev_hash, NEW.hash)
        IS DISTINCT FROM
        (OLD.seq, OLD.at, OLD.api, OLD.operation, OLD.actor_kind, OLD.actor_id, OLD.address, OLD.collection_id,
         OLD.outcome, OLD.decision, OLD.similarity, OLD.commitment, OLD.prev_hash, OLD.hash) THEN
       RAISE EXCEPTION 'the audit log is append-only';
     END IF;
     RETURN NEW;
   END $$;
   CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON \${schema}.audit_log
     FOR EACH ROW EXECUTE FUNCTION \${schema}.audit_log_guard();`,
];

const inTransaction = withPgTransaction;

export async function pgAuditStore(pool: Pool, schema = 'public'): Promise<AuditStore> {
  await migratePg(pool, 'audit', MIGRATIONS, schema);
  const s = pgIdent(schema);
  const lockKey = `facegate.audit.${schema}`;
  const anchorOf = async (c: Pool | PoolClient): Promise<AuditAnchor | null> => {
    const { rows } = await c.query<{ seq: string; hash: string }>(
      `SELECT seq, hash FROM ${s}.audit_anchor WHERE id = 1`,
    );
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null;
  };
  const placeholders = AUDIT_COLUMNS.split(',')
    .map((_, i) => `$${i + 1}`)
    .join(', ');

  return {
    append: (seal) =>
      inTransaction(pool, async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [lockKey]);
        const { rows } = await c.query<{ seq: string; hash: string }>(
          `SELECT seq, hash FROM ${s}.audit_log ORDER BY seq DESC LIMIT 1`,
        );
        const prev = rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : await anchorOf(c);
        const entry = seal(prev);
        await c.query(`INSERT INTO ${s}.audit_log (${AUDIT_COLUMNS}) VALUES (${placeholders})`, rowValues(entry));
        const subjects = subjectsOf(entry.personal);
        if (subjects.length) {
          await c.query(
            `INSERT INTO ${s}.audit_subjects (subject, seq) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
            [subjects, entry.seq],
          );
        }
        return entry;
      }),
    list: async (f) => {
      const { where, params } = filterSql(f, (i) => `$${i}`, `${s}.audit_subjects`);
      const { rows } = await pool.query<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM ${s}.audit_log ${where} ORDER BY seq LIMIT $${params.length + 1}`,
        [...params, f.limit],
      );
      return rows.map(entryFrom);
    },
    redact: (subjects, at) =>
      inTransaction(pool, async (c) => {
        const { rows } = await c.query<{ seq: string }>(
          `SELECT DISTINCT seq FROM ${s}.audit_subjects WHERE subject = ANY($1::text[])`,
          [subjects],
        );
        const seqs = rows.map((r) => r.seq);
        if (!seqs.length) return 0;
        const r = await c.query(
          `UPDATE ${s}.audit_log SET personal = NULL, salt = NULL, redacted_at = $1
            WHERE seq = ANY($2::bigint[]) AND personal IS NOT NULL`,
          [at, seqs],
        );
        await c.query(`DELETE FROM ${s}.audit_subjects WHERE seq = ANY($1::bigint[])`, [seqs]);
        return r.rowCount ?? 0;
      }),
    purgeBefore: (before) =>
      inTransaction(pool, async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [lockKey]);
        const { rows } = await c.query<{ seq: string | null }>(
          `SELECT MAX(seq) AS seq FROM ${s}.audit_log WHERE at < $1`,
          [before],
        );
        const upTo = rows[0]?.seq;
        if (upTo === null || upTo === undefined) return 0;
        const head = await c.query<{ hash: string }>(`SELECT hash FROM ${s}.audit_log WHERE seq = $1`, [upTo]);
        await c.query(`SET LOCAL facegate.audit_purge = 'on'`);
        const r = await c.query(`DELETE FROM ${s}.audit_log WHERE seq <= $1`, [upTo]);
        await c.query(`DELETE FROM ${s}.audit_subjects WHERE seq <= $1`, [upTo]);
        await c.query(
          `INSERT INTO ${s}.audit_anchor (id, seq, hash) VALUES (1, $1, $2)
           ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
          [upTo, head.rows[0]!.hash],
        );
        return r.rowCount ?? 0;
      }),
    anchor: () => anchorOf(pool),
    lastAt: async (subject) => {
      const { rows } = await pool.query<{ at: string | null }>(
        `SELECT MAX(l.at) AS at FROM ${s}.audit_subjects x JOIN ${s}.audit_log l ON l.seq = x.seq
          WHERE x.subject = $1 AND l.outcome = 'ok'`,
        [subject],
      );
      return rows[0]?.at == null ? null : Number(rows[0].at);
    },
  };
}
