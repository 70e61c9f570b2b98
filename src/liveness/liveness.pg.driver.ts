// LivenessStore on Postgres (FACEGATE_DATABASE_URL): the tables every API process shares. The checks that decide a
// session's fate are conditions of one UPDATE, which takes the row's lock and re-reads the row once a concurrent
// writer commits (READ COMMITTED): of two processes claiming one session, the second finds it COMPLETING and wins
// nothing; a frame added while another process claims is either in the claimed set or refused.
import type { Pool, PoolClient } from 'pg';
import { withPgTransaction } from '../db/pg.database.ts';
import { migratePg, pgIdent } from '../db/pg.migrate.ts';
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

// Times are milliseconds since the epoch (BIGINT), as on SQLite.
const MIGRATIONS = [
  `CREATE TABLE \${schema}.liveness_sessions (
     id TEXT PRIMARY KEY, creator TEXT NOT NULL, client_token TEXT, created_at BIGINT NOT NULL,
     audit_images_limit INTEGER NOT NULL, output_bucket TEXT, output_prefix TEXT, status TEXT NOT NULL,
     frame_count INTEGER NOT NULL DEFAULT 0, confidence DOUBLE PRECISION, reason TEXT, images TEXT, finished_at BIGINT,
     UNIQUE (creator, client_token));
   CREATE INDEX liveness_sessions_by_age ON \${schema}.liveness_sessions (created_at);
   CREATE TABLE \${schema}.liveness_frames (
     session_id TEXT NOT NULL REFERENCES \${schema}.liveness_sessions (id) ON DELETE CASCADE, seq INTEGER NOT NULL,
     faces INTEGER NOT NULL, yaw DOUBLE PRECISION NOT NULL, liveness DOUBLE PRECISION NOT NULL, box TEXT,
     descriptor BYTEA, object_key TEXT, PRIMARY KEY (session_id, seq));
   CREATE TABLE \${schema}.liveness_session_keys (
     session_id TEXT NOT NULL REFERENCES \${schema}.liveness_sessions (id) ON DELETE CASCADE, key TEXT NOT NULL,
     PRIMARY KEY (session_id, key));
   CREATE TABLE \${schema}.liveness_failures (
     key TEXT NOT NULL, session_id TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (key, session_id));
   CREATE INDEX liveness_failures_by_key ON \${schema}.liveness_failures (key, at);`,
  // The person a session is for (liveness.subjects.ts): export and erasure find their sessions by it.
  `ALTER TABLE \${schema}.liveness_sessions ADD COLUMN subject_id TEXT;
   CREATE INDEX liveness_sessions_by_subject ON \${schema}.liveness_sessions (subject_id)
     WHERE subject_id IS NOT NULL;`,
];

/** `cipher`: seals the frames' descriptors at rest (encryption on); without it they are float32 bytes. */
export async function openPgLivenessStore(
  pool: Pool,
  schema = 'public',
  cipher?: BlobCipher,
): Promise<PgLivenessStore> {
  await migratePg(pool, 'liveness', MIGRATIONS, schema);
  return new PgLivenessStore(pool, schema, cipher);
}

export class PgLivenessStore implements LivenessStore {
  private readonly t: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
    private readonly cipher?: BlobCipher,
  ) {
    this.t = pgIdent(schema);
  }

  async create(s: NewSession): Promise<string> {
    await this.pool.query(
      `INSERT INTO ${this.t}.liveness_sessions (id, creator, client_token, created_at, audit_images_limit,
         output_bucket, output_prefix, subject_id, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'CREATED')
       ON CONFLICT (creator, client_token) DO NOTHING`,
      [
        s.id,
        s.creator,
        s.clientToken,
        s.createdAt,
        s.auditImagesLimit,
        s.output?.bucket ?? null,
        s.output?.keyPrefix ?? null,
        s.subjectId,
      ],
    );
    if (s.clientToken === null) return s.id;
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM ${this.t}.liveness_sessions WHERE creator = $1 AND client_token = $2`,
      [s.creator, s.clientToken],
    );
    return rows[0]!.id;
  }

  async openCount(since: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${this.t}.liveness_sessions WHERE created_at >= $1 AND status IN ${OPEN}`,
      [since],
    );
    return rows[0]?.n ?? 0;
  }

  async get(id: string): Promise<SessionRow | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT * FROM ${this.t}.liveness_sessions WHERE id = $1`, [id]);
    return rows[0] && toSession(rows[0]);
  }

  async addFrame(
    id: string,
    frame: { score: FrameScore; objectKey: string | null },
    keys: readonly string[],
    bounds: { openSince: number; maxFrames: number },
  ): Promise<AddFrameOutcome> {
    const seq = await withPgTransaction(this.pool, async (c) => {
      const { rows } = await c.query<{ frame_count: number }>(
        `UPDATE ${this.t}.liveness_sessions SET frame_count = frame_count + 1, status = 'IN_PROGRESS'
         WHERE id = $1 AND status IN ${OPEN} AND created_at >= $2 AND frame_count < $3 RETURNING frame_count`,
        [id, bounds.openSince, bounds.maxFrames],
      );
      const taken = rows[0]?.frame_count;
      if (taken === undefined) return undefined;
      await c.query(
        `INSERT INTO ${this.t}.liveness_frames (session_id, seq, faces, yaw, liveness, box, descriptor, object_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, taken, ...frameValues(id, frame, this.cipher)],
      );
      if (keys.length > 0) {
        await c.query(
          `INSERT INTO ${this.t}.liveness_session_keys (session_id, key) SELECT $1, unnest($2::text[])
           ON CONFLICT DO NOTHING`,
          [id, [...keys]],
        );
      }
      return taken;
    });
    if (seq !== undefined) return { seq };
    const s = await this.get(id);
    if (!s) return { refused: 'missing' };
    const open = (s.status === 'CREATED' || s.status === 'IN_PROGRESS') && s.createdAt >= bounds.openSince;
    return { refused: open && s.frameCount >= bounds.maxFrames ? 'full' : 'ended' };
  }

  async frames(id: string): Promise<StoredFrame[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM ${this.t}.liveness_frames WHERE session_id = $1 ORDER BY seq`,
      [id],
    );
    return rows.map((r) => toFrame(r, this.cipher));
  }

  async claim(id: string, openSince: number): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE ${this.t}.liveness_sessions SET status = 'COMPLETING'
       WHERE id = $1 AND status IN ${OPEN} AND created_at >= $2`,
      [id, openSince],
    );
    return r.rowCount === 1;
  }

  finish(id: string, v: Verdict): Promise<boolean> {
    return withPgTransaction(this.pool, async (c) => {
      const done = await c.query(
        `UPDATE ${this.t}.liveness_sessions SET status = $1, confidence = $2, reason = $3, images = $4,
           finished_at = $5 WHERE id = $6 AND status = 'COMPLETING'`,
        [v.status, v.confidence, v.reason, imagesJson(v.reference, v.audits), v.at, id],
      );
      if (done.rowCount !== 1) return false;
      if (v.failed) {
        await c.query(
          `INSERT INTO ${this.t}.liveness_failures (key, session_id, at)
           SELECT key, session_id, $1 FROM ${this.t}.liveness_session_keys WHERE session_id = $2
           ON CONFLICT DO NOTHING`,
          [v.at, id],
        );
      }
      await c.query(`DELETE FROM ${this.t}.liveness_frames WHERE session_id = $1`, [id]);
      return true;
    });
  }

  async failures(keys: readonly string[], since: number): Promise<number> {
    if (keys.length === 0) return 0;
    const { rows } = await this.pool.query<{ n: number | null }>(
      `SELECT max(n)::int AS n FROM (SELECT count(*) AS n FROM ${this.t}.liveness_failures
         WHERE key = ANY($1::text[]) AND at > $2 GROUP BY key) AS per_key`,
      [[...keys], since],
    );
    return rows[0]?.n ?? 0;
  }

  expire(before: number, stuckBefore: number, limit: number): Promise<Swept[]> {
    return withPgTransaction(this.pool, async (c) => {
      // SKIP LOCKED: a session another process is adding a frame to or sweeping is left for the next sweep.
      const { rows } = await c.query<{ id: string }>(
        `UPDATE ${this.t}.liveness_sessions SET status = 'EXPIRED' WHERE id IN (
           SELECT id FROM ${this.t}.liveness_sessions WHERE (status IN ${OPEN} AND created_at < $1)
             OR (status = 'COMPLETING' AND created_at < $2) ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [before, stuckBefore, limit],
      );
      const ids = rows.map((r) => r.id);
      return swept(ids, await this.dropFrames(c, ids));
    });
  }

  remove(before: number, limit: number): Promise<Swept[]> {
    return withPgTransaction(this.pool, async (c) => {
      const { rows: old } = await c.query<{ id: string }>(
        `SELECT id FROM ${this.t}.liveness_sessions WHERE created_at < $1 ORDER BY created_at LIMIT $2
         FOR UPDATE SKIP LOCKED`,
        [before, limit],
      );
      const ids = old.map((r) => r.id);
      if (ids.length === 0) return [];
      const frames = await this.dropFrames(c, ids);
      const { rows } = await c.query<{ id: string; images: string | null }>(
        `DELETE FROM ${this.t}.liveness_sessions WHERE id = ANY($1::text[]) RETURNING id, images`,
        [ids],
      );
      return swept(ids, frames, new Map(rows.map((r) => [r.id, r.images])));
    });
  }

  async link(id: string, subjectId: string): Promise<LinkOutcome> {
    const r = await this.pool.query(
      `UPDATE ${this.t}.liveness_sessions SET subject_id = $2 WHERE id = $1 AND (subject_id IS NULL OR subject_id = $2)`,
      [id, subjectId],
    );
    if (r.rowCount === 1) return 'linked';
    const { rowCount } = await this.pool.query(`SELECT 1 FROM ${this.t}.liveness_sessions WHERE id = $1`, [id]);
    return rowCount ? 'taken' : 'missing';
  }

  async forSubject(subjectId: string): Promise<SessionRow[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM ${this.t}.liveness_sessions WHERE subject_id = $1 ORDER BY created_at, id`,
      [subjectId],
    );
    return rows.map(toSession);
  }

  removeSubject(subjectId: string): Promise<Erased[]> {
    return withPgTransaction(this.pool, async (c) => {
      // Locked, not skipped: an erasure waits for a frame being added rather than leave the session behind.
      const { rows: mine } = await c.query<{ id: string }>(
        `SELECT id FROM ${this.t}.liveness_sessions WHERE subject_id = $1 FOR UPDATE`,
        [subjectId],
      );
      const ids = mine.map((r) => r.id);
      if (ids.length === 0) return [];
      const frames = await this.dropFrames(c, ids);
      await c.query(`DELETE FROM ${this.t}.liveness_session_keys WHERE session_id = ANY($1::text[])`, [ids]);
      const { rows } = await c.query<{ id: string; images: string | null }>(
        `DELETE FROM ${this.t}.liveness_sessions WHERE id = ANY($1::text[]) RETURNING id, images`,
        [ids],
      );
      return erased(ids, frames, new Map(rows.map((r) => [r.id, r.images])));
    });
  }

  private async dropFrames(c: PoolClient, ids: readonly string[]) {
    if (ids.length === 0) return [];
    const { rows } = await c.query<{ session_id: string; object_key: string | null }>(
      `DELETE FROM ${this.t}.liveness_frames WHERE session_id = ANY($1::text[]) RETURNING session_id, object_key`,
      [[...ids]],
    );
    return rows;
  }

  async pruneFailures(before: number): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.t}.liveness_failures WHERE at < $1`, [before]);
  }
}
