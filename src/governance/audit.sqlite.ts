// SQLite driver of the AuditStore, on a handle the composition root opens (the deployment's one database). Appends
// run in an IMMEDIATE transaction, so the chain is serialised even with several connections to the file. Triggers
// refuse deletes and edits of chained columns (only retention's prefix purge and redaction of the personal fields
// are allowed), so a bug cannot rewrite history; someone with the file can, and `facegate audit verify` finds it.
import type { Database } from 'better-sqlite3';
import { migrate } from '../apps/sqlite.migrate.ts';
import { AUDIT_COLUMNS, entryFrom, filterSql, rowValues, subjectsOf, type AuditRow } from './audit.rows.ts';
import type { AuditAnchor, AuditStore } from './audit.types.ts';

const MIGRATIONS = [
  `CREATE TABLE audit_log (
     seq INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     api TEXT NOT NULL,
     operation TEXT NOT NULL,
     actor_kind TEXT NOT NULL,
     actor_id TEXT NOT NULL,
     address TEXT,
     collection_id TEXT,
     outcome TEXT NOT NULL,
     decision TEXT,
     similarity REAL,
     personal TEXT,
     salt TEXT,
     commitment TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     redacted_at INTEGER
   );
   CREATE INDEX audit_log_by_at ON audit_log (at);
   CREATE TABLE audit_subjects (subject TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (subject, seq));
   CREATE INDEX audit_subjects_by_seq ON audit_subjects (seq);
   CREATE TABLE audit_anchor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
   CREATE TABLE audit_purging (id INTEGER PRIMARY KEY CHECK (id = 1));
   CREATE TRIGGER audit_log_chained_columns BEFORE UPDATE OF
     seq, at, api, operation, actor_kind, actor_id, address, collection_id, outcome, decision, similarity,
     commitment, prev_hash, hash ON audit_log
   BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
   CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
     WHEN NOT EXISTS (SELECT 1 FROM audit_purging)
   BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries leave only by retention'); END;`,
];

export function sqliteAuditStore(db: Database): AuditStore {
  migrate(db, 'audit', MIGRATIONS);
  const last = db.prepare<[], { seq: number; hash: string }>(
    `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`,
  );
  const anchorRow = db.prepare<[], AuditAnchor>(`SELECT seq, hash FROM audit_anchor WHERE id = 1`);
  const insert = db.prepare(
    `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (${AUDIT_COLUMNS.split(',')
      .map(() => '?')
      .join(', ')})`,
  );
  const insertSubject = db.prepare(`INSERT OR IGNORE INTO audit_subjects (subject, seq) VALUES (?, ?)`);

  const append = db.transaction((seal: Parameters<AuditStore['append']>[0]) => {
    const entry = seal(last.get() ?? anchorRow.get() ?? null);
    insert.run(...rowValues(entry));
    for (const s of subjectsOf(entry.personal)) insertSubject.run(s, entry.seq);
    return entry;
  });

  const redact = db.transaction((subjects: string[], at: number) => {
    const seqs = new Set<number>();
    const find = db.prepare<[string], { seq: number }>(`SELECT seq FROM audit_subjects WHERE subject = ?`);
    for (const s of subjects) for (const r of find.all(s)) seqs.add(r.seq);
    const upd = db.prepare(
      `UPDATE audit_log SET personal = NULL, salt = NULL, redacted_at = ? WHERE seq = ? AND personal IS NOT NULL`,
    );
    const delSubjects = db.prepare(`DELETE FROM audit_subjects WHERE seq = ?`);
    let n = 0;
    for (const seq of seqs) {
      n += upd.run(at, seq).changes;
      delSubjects.run(seq);
    }
    return n;
  });

  const purge = db.transaction((before: number) => {
    const upTo = db
      .prepare<[number], { seq: number | null }>(`SELECT MAX(seq) AS seq FROM audit_log WHERE at < ?`)
      .get(before)?.seq;
    if (upTo === null || upTo === undefined) return 0;
    const head = db.prepare<[number], { hash: string }>(`SELECT hash FROM audit_log WHERE seq = ?`).get(upTo)!;
    db.prepare(`INSERT INTO audit_purging (id) VALUES (1)`).run();
    const n = db.prepare(`DELETE FROM audit_log WHERE seq <= ?`).run(upTo).changes;
    db.prepare(`DELETE FROM audit_purging`).run();
    db.prepare(`DELETE FROM audit_subjects WHERE seq <= ?`).run(upTo);
    db.prepare(
      `INSERT INTO audit_anchor (id, seq, hash) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
    ).run(upTo, head.hash);
    return n;
  });

  return {
    append: async (seal) => append.immediate(seal),
    list: async (f) => {
      const { where, params } = filterSql(f, () => '?', 'audit_subjects');
      return db
        .prepare<unknown[], AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log ${where} ORDER BY seq LIMIT ?`)
        .all(...params, f.limit)
        .map(entryFrom);
    },
    redact: async (subjects, at) => redact.immediate(subjects, at),
    purgeBefore: async (before) => purge.immediate(before),
    anchor: async () => anchorRow.get() ?? null,
    lastAt: async (subject) =>
      db
        .prepare<[string], { at: number | null }>(
          `SELECT MAX(l.at) AS at FROM audit_subjects s JOIN audit_log l ON l.seq = s.seq
            WHERE s.subject = ? AND l.outcome = 'ok'`,
        )
        .get(subject)?.at ?? null,
  };
}
