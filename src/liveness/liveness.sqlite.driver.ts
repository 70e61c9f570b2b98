// LivenessStore on SQLite (the deployment database, src/db/sqlite.database.ts). Every process on the file shares it;
// a write that checks and changes runs in one IMMEDIATE transaction, so it holds the write lock from its first read.
import type { Database } from 'better-sqlite3';
import { migrate } from '../apps/sqlite.migrate.ts';
import type { FrameScore } from './liveness.challenge.ts';
import type { BlobCipher } from '../collections/metadata.port.ts';
import { erased, frameValues, imagesJson, OPEN, swept, toFrame, toSession, type Row } from './liveness.rows.ts';
import type {
  AddFrameOutcome,
  Erased,
  LinkOutcome,
  LivenessStore,
  NewSession,
  SessionRow,
  StoredFrame,
  Swept,
  Verdict,
} from './liveness.store.port.ts';

const MIGRATIONS = [
  `CREATE TABLE liveness_sessions (
     id TEXT PRIMARY KEY, creator TEXT NOT NULL, client_token TEXT, created_at INTEGER NOT NULL,
     audit_images_limit INTEGER NOT NULL, output_bucket TEXT, output_prefix TEXT, status TEXT NOT NULL,
     frame_count INTEGER NOT NULL DEFAULT 0, confidence REAL, reason TEXT, images TEXT, finished_at INTEGER,
     UNIQUE (creator, client_token));
   CREATE INDEX liveness_sessions_by_age ON liveness_sessions (created_at);
   CREATE TABLE liveness_frames (
     session_id TEXT NOT NULL REFERENCES liveness_sessions (id) ON DELETE CASCADE, seq INTEGER NOT NULL,
     faces INTEGER NOT NULL, yaw REAL NOT NULL, liveness REAL NOT NULL, box TEXT, descriptor BLOB, object_key TEXT,
     PRIMARY KEY (session_id, seq));
   CREATE TABLE liveness_session_keys (
     session_id TEXT NOT NULL REFERENCES liveness_sessions (id) ON DELETE CASCADE, key TEXT NOT NULL,
     PRIMARY KEY (session_id, key));
   CREATE TABLE liveness_failures (
     key TEXT NOT NULL, session_id TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (key, session_id));
   CREATE INDEX liveness_failures_by_key ON liveness_failures (key, at);`,
  // The person a session is for (liveness.subjects.ts): export and erasure find their sessions by it.
  `ALTER TABLE liveness_sessions ADD COLUMN subject_id TEXT;
   CREATE INDEX liveness_sessions_by_subject ON liveness_sessions (subject_id) WHERE subject_id IS NOT NULL;`,
];

export class SqliteLivenessStore implements LivenessStore {
  /** `cipher`: seals the frames' descriptors at rest (encryption on); without it they are float32 bytes. */
  constructor(
    private readonly db: Database,
    private readonly cipher?: BlobCipher,
  ) {
    migrate(db, 'liveness', MIGRATIONS);
  }

  create(s: NewSession): Promise<string> {
    const insert = this.db.prepare(
      `INSERT INTO liveness_sessions (id, creator, client_token, created_at, audit_images_limit, output_bucket,
         output_prefix, subject_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'CREATED')
       ON CONFLICT (creator, client_token) DO NOTHING`,
    );
    const known = this.db.prepare<[string, string], { id: string }>(
      `SELECT id FROM liveness_sessions WHERE creator = ? AND client_token = ?`,
    );
    const run = this.db.transaction(() => {
      insert.run(
        s.id,
        s.creator,
        s.clientToken,
        s.createdAt,
        s.auditImagesLimit,
        s.output?.bucket ?? null,
        s.output?.keyPrefix ?? null,
        s.subjectId,
      );
      return s.clientToken === null ? s.id : known.get(s.creator, s.clientToken)!.id;
    });
    return Promise.resolve(run.immediate());
  }

  openCount(since: number): Promise<number> {
    const r = this.db
      .prepare<[number], { n: number }>(
        `SELECT count(*) AS n FROM liveness_sessions WHERE created_at >= ? AND status IN ${OPEN}`,
      )
      .get(since);
    return Promise.resolve(r?.n ?? 0);
  }

  get(id: string): Promise<SessionRow | undefined> {
    const r = this.db.prepare(`SELECT * FROM liveness_sessions WHERE id = ?`).get(id) as Row | undefined;
    return Promise.resolve(r && toSession(r));
  }

  addFrame(
    id: string,
    frame: { score: FrameScore; objectKey: string | null },
    keys: readonly string[],
    bounds: { openSince: number; maxFrames: number },
  ): Promise<AddFrameOutcome> {
    const take = this.db.prepare<[string, number, number], { frame_count: number }>(
      `UPDATE liveness_sessions SET frame_count = frame_count + 1, status = 'IN_PROGRESS'
       WHERE id = ? AND status IN ${OPEN} AND created_at >= ? AND frame_count < ? RETURNING frame_count`,
    );
    const insert = this.db.prepare(
      `INSERT INTO liveness_frames (session_id, seq, faces, yaw, liveness, box, descriptor, object_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const key = this.db.prepare(
      `INSERT INTO liveness_session_keys (session_id, key) VALUES (?, ?) ON CONFLICT DO NOTHING`,
    );
    const run = this.db.transaction((): AddFrameOutcome => {
      const taken = take.get(id, bounds.openSince, bounds.maxFrames);
      if (!taken) return { refused: this.whyRefused(id, bounds) };
      insert.run(id, taken.frame_count, ...frameValues(id, frame, this.cipher));
      for (const k of keys) key.run(id, k);
      return { seq: taken.frame_count };
    });
    return Promise.resolve(run.immediate());
  }

  frames(id: string): Promise<StoredFrame[]> {
    const rows = this.db.prepare(`SELECT * FROM liveness_frames WHERE session_id = ? ORDER BY seq`).all(id) as Row[];
    return Promise.resolve(rows.map((r) => toFrame(r, this.cipher)));
  }

  claim(id: string, openSince: number): Promise<boolean> {
    const r = this.db
      .prepare(
        `UPDATE liveness_sessions SET status = 'COMPLETING' WHERE id = ? AND status IN ${OPEN} AND created_at >= ?`,
      )
      .run(id, openSince);
    return Promise.resolve(r.changes === 1);
  }

  finish(id: string, v: Verdict): Promise<boolean> {
    const run = this.db.transaction((): boolean => {
      const done = this.db
        .prepare(
          `UPDATE liveness_sessions SET status = ?, confidence = ?, reason = ?, images = ?, finished_at = ?
           WHERE id = ? AND status = 'COMPLETING'`,
        )
        .run(v.status, v.confidence, v.reason, imagesJson(v.reference, v.audits), v.at, id);
      if (done.changes !== 1) return false;
      if (v.failed) {
        this.db
          .prepare(
            `INSERT INTO liveness_failures (key, session_id, at)
             SELECT key, session_id, ? FROM liveness_session_keys WHERE session_id = ? ON CONFLICT DO NOTHING`,
          )
          .run(v.at, id);
      }
      this.db.prepare(`DELETE FROM liveness_frames WHERE session_id = ?`).run(id);
      return true;
    });
    return Promise.resolve(run.immediate());
  }

  failures(keys: readonly string[], since: number): Promise<number> {
    if (keys.length === 0) return Promise.resolve(0);
    const r = this.db
      .prepare(
        `SELECT max(n) AS n FROM (SELECT count(*) AS n FROM liveness_failures
           WHERE key IN (${keys.map(() => '?').join(', ')}) AND at > ? GROUP BY key)`,
      )
      .get(...keys, since) as { n: number | null } | undefined;
    return Promise.resolve(r?.n ?? 0);
  }

  expire(before: number, stuckBefore: number, limit: number): Promise<Swept[]> {
    const run = this.db.transaction((): Swept[] => {
      const ids = this.db
        .prepare<[number, number, number], { id: string }>(
          `UPDATE liveness_sessions SET status = 'EXPIRED' WHERE id IN (
             SELECT id FROM liveness_sessions WHERE (status IN ${OPEN} AND created_at < ?)
               OR (status = 'COMPLETING' AND created_at < ?) ORDER BY created_at LIMIT ?)
           RETURNING id`,
        )
        .all(before, stuckBefore, limit)
        .map((r) => r.id);
      return swept(ids, this.dropFrames(ids));
    });
    return Promise.resolve(run.immediate());
  }

  remove(before: number, limit: number): Promise<Swept[]> {
    const run = this.db.transaction((): Swept[] => {
      const ids = this.db
        .prepare<[number, number], { id: string }>(
          `SELECT id FROM liveness_sessions WHERE created_at < ? ORDER BY created_at LIMIT ?`,
        )
        .all(before, limit)
        .map((r) => r.id);
      const frames = this.dropFrames(ids);
      const del = this.db.prepare<[string], { images: string | null }>(
        `DELETE FROM liveness_sessions WHERE id = ? RETURNING images`,
      );
      const images = new Map(ids.map((id) => [id, del.get(id)?.images ?? null]));
      return swept(ids, frames, images);
    });
    return Promise.resolve(run.immediate());
  }

  pruneFailures(before: number): Promise<void> {
    this.db.prepare(`DELETE FROM liveness_failures WHERE at < ?`).run(before);
    return Promise.resolve();
  }

  link(id: string, subjectId: string): Promise<LinkOutcome> {
    const run = this.db.transaction((): LinkOutcome => {
      const r = this.db
        .prepare(`UPDATE liveness_sessions SET subject_id = ? WHERE id = ? AND (subject_id IS NULL OR subject_id = ?)`)
        .run(subjectId, id, subjectId);
      if (r.changes === 1) return 'linked';
      return this.db.prepare(`SELECT 1 FROM liveness_sessions WHERE id = ?`).get(id) ? 'taken' : 'missing';
    });
    return Promise.resolve(run.immediate());
  }

  forSubject(subjectId: string): Promise<SessionRow[]> {
    const rows = this.db
      .prepare(`SELECT * FROM liveness_sessions WHERE subject_id = ? ORDER BY created_at, id`)
      .all(subjectId) as Row[];
    return Promise.resolve(rows.map(toSession));
  }

  removeSubject(subjectId: string): Promise<Erased[]> {
    const run = this.db.transaction((): Erased[] => {
      const ids = this.db
        .prepare<[string], { id: string }>(`SELECT id FROM liveness_sessions WHERE subject_id = ?`)
        .all(subjectId)
        .map((r) => r.id);
      const frames = this.dropFrames(ids);
      const keys = this.db.prepare(`DELETE FROM liveness_session_keys WHERE session_id = ?`);
      const del = this.db.prepare<[string], { images: string | null }>(
        `DELETE FROM liveness_sessions WHERE id = ? RETURNING images`,
      );
      const images = new Map(
        ids.map((id) => {
          keys.run(id);
          return [id, del.get(id)?.images ?? null];
        }),
      );
      return erased(ids, frames, images);
    });
    return Promise.resolve(run.immediate());
  }

  private dropFrames(ids: readonly string[]): { session_id: string; object_key: string | null }[] {
    const drop = this.db.prepare<[string], { session_id: string; object_key: string | null }>(
      `DELETE FROM liveness_frames WHERE session_id = ? RETURNING session_id, object_key`,
    );
    return ids.flatMap((id) => drop.all(id));
  }

  private whyRefused(id: string, bounds: { openSince: number; maxFrames: number }): 'ended' | 'full' | 'missing' {
    const s = this.db.prepare(`SELECT * FROM liveness_sessions WHERE id = ?`).get(id) as Row | undefined;
    if (!s) return 'missing';
    const row = toSession(s);
    const open = (row.status === 'CREATED' || row.status === 'IN_PROGRESS') && row.createdAt >= bounds.openSince;
    return open && row.frameCount >= bounds.maxFrames ? 'full' : 'ended';
  }
}
