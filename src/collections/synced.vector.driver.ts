// VectorIndex for Postgres WITHOUT pgvector: every process keeps the in-memory index (memory.vector.driver.ts) and
// keeps it in step with the others through Postgres. The truth is the table `vector_rows` (float32 bytes per face);
// every change also appends to `vector_log` and sends NOTIFY facegate_vectors (payload: the schema), in the same
// transaction. A process applies the log after its cursor: on a notification, on a timer, after its own writes,
// and (consistency 'strict', the default) before every read, so a face indexed through one process is found through
// another at once. Applying an entry re-reads the face's current row, so entries are idempotent and their order only
// matters per face. Writers take one advisory lock per schema, so sequence numbers commit in order and a reader that
// has seen entry n has seen every entry before it. Costs: every process holds every vector; writes are serialised.
// With a cipher (encryption at rest), `vector_rows.embedding` is sealed as the metadata store's descriptor column
// is: only the processes' memory holds the vectors in the clear.
import { EventEmitter } from 'node:events';
import type { Pool, PoolClient } from 'pg';
import { migratePg, pgIdent } from '../db/pg.migrate.ts';
import { FacegateError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { MemoryVectorIndex } from './memory.vector.driver.ts';
import type { BlobCipher } from './metadata.port.ts';
import type { VectorHit, VectorIndex } from './vector.port.ts';

export const SYNCED_MIGRATIONS: readonly string[] = [
  `CREATE TABLE \${schema}.vector_sets (collection_id TEXT PRIMARY KEY, dim INTEGER NOT NULL);
   CREATE TABLE \${schema}.vector_rows (
     collection_id TEXT NOT NULL, face_id TEXT NOT NULL, embedding BYTEA NOT NULL,
     PRIMARY KEY (collection_id, face_id));
   CREATE TABLE \${schema}.vector_log (
     seq BIGSERIAL PRIMARY KEY, collection_id TEXT NOT NULL,
     face_id TEXT, -- NULL: the whole collection was dropped
     at TIMESTAMPTZ NOT NULL DEFAULT now());`,
];

export const NOTIFY_CHANNEL = 'facegate_vectors';
const LOG_PAGE = 1000;
const TRIM_EVERY = 1000;

export interface SyncedVectorOptions {
  pool: Pool;
  schema?: string;
  logger: Logger;
  quantize?: boolean;
  /** LISTEN for other processes' changes (holds one pool connection). */
  listen?: boolean;
  /** strict: every read first applies the log (one indexed query); notify: reads use what notifications brought. */
  consistency?: 'strict' | 'notify';
  /** Safety-net catch-up period, ms (0 = none): covers notifications lost while the listener was reconnecting. */
  pollMs?: number;
  /** Log entries kept (older ones are deleted by writers); a process further behind reloads from a snapshot. */
  logRetain?: number;
  /** Seals the stored embeddings (bound to collection/face id); every process needs the same keyring. */
  cipher?: BlobCipher;
}

export interface SyncedVectorStatus {
  driver: 'memory-synced';
  listening: boolean;
  /** Last log entry applied. */
  cursor: number;
  lastError?: string;
}

const toBytes = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const fromBytes = (b: Buffer): Float32Array => {
  const copy = new Uint8Array(b); // aligned for Float32Array
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
};

export class SyncedVectorIndex extends EventEmitter implements VectorIndex {
  private readonly s: string;
  private readonly schemaName: string;
  private memory: MemoryVectorIndex;
  private cursor = 0;
  private catching?: Promise<void>;
  private again = false;
  private listener?: PoolClient;
  private timer?: NodeJS.Timeout;
  private lastError?: string;
  private closed = false;
  /** The log position of this process's last write (a test and benchmark seam: waitFor(lastWrite)). */
  lastWrite = 0;

  private constructor(private readonly opts: SyncedVectorOptions) {
    super();
    this.schemaName = opts.schema ?? 'public';
    this.s = pgIdent(this.schemaName);
    this.memory = new MemoryVectorIndex({ quantize: opts.quantize ?? false });
  }

  static async open(opts: SyncedVectorOptions): Promise<SyncedVectorIndex> {
    await migratePg(opts.pool, 'vectors-synced', SYNCED_MIGRATIONS, opts.schema ?? 'public');
    const index = new SyncedVectorIndex(opts);
    // Listen first, then load: a change committed in between is both notified and in the log, never lost.
    if (opts.listen ?? true) await index.startListening();
    try {
      await index.load();
      await index.catchUp();
    } catch (e) {
      // e.g. rows sealed under a key this process lacks: the listener's connection goes back to the pool.
      await index.close();
      throw e;
    }
    if (opts.pollMs) {
      index.timer = setInterval(() => void index.catchUp().catch(() => undefined), opts.pollMs);
      index.timer.unref();
    }
    return index;
  }

  status(): SyncedVectorStatus {
    return {
      driver: 'memory-synced',
      listening: this.listener !== undefined,
      cursor: this.cursor,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  async add(collectionId: string, items: { id: string; vector: Float32Array }[]): Promise<void> {
    if (!items.length) return;
    const dim = items[0]!.vector.length;
    await this.write(async (c) => {
      await c.query(`INSERT INTO ${this.s}.vector_sets VALUES ($1, $2) ON CONFLICT DO NOTHING`, [collectionId, dim]);
      const { rows } = await c.query<{ dim: number }>(
        `SELECT dim FROM ${this.s}.vector_sets WHERE collection_id = $1`,
        [collectionId],
      );
      const have = rows[0]!.dim;
      const bad = items.find((it) => it.vector.length !== have);
      if (bad) {
        throw new FacegateError(
          'INVALID_PARAMETER',
          `Vector of ${bad.vector.length} values; the collection holds ${have}`,
        );
      }
      const latest = [...new Map(items.map((it) => [it.id, it.vector]))];
      for (let i = 0; i < latest.length; i += LOG_PAGE) {
        const part = latest.slice(i, i + LOG_PAGE);
        const ids = part.map(([id]) => id);
        await c.query(
          `INSERT INTO ${this.s}.vector_rows SELECT $1, f, e FROM unnest($2::text[], $3::bytea[]) AS u(f, e)
           ON CONFLICT (collection_id, face_id) DO UPDATE SET embedding = EXCLUDED.embedding`,
          [collectionId, ids, part.map(([id, v]) => this.seal(collectionId, id, v))],
        );
        await this.log(c, collectionId, ids);
      }
    });
  }

  async remove(collectionId: string, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.write(async (c) => {
      await c.query(`DELETE FROM ${this.s}.vector_rows WHERE collection_id = $1 AND face_id = ANY($2)`, [
        collectionId,
        ids,
      ]);
      await this.log(c, collectionId, ids);
    });
  }

  async dropCollection(collectionId: string): Promise<void> {
    await this.write(async (c) => {
      await c.query(`DELETE FROM ${this.s}.vector_rows WHERE collection_id = $1`, [collectionId]);
      await c.query(`DELETE FROM ${this.s}.vector_sets WHERE collection_id = $1`, [collectionId]);
      await this.log(c, collectionId, [null]);
    });
  }

  async search(
    collectionId: string,
    q: Float32Array,
    k: number,
    accept?: (id: string) => boolean,
  ): Promise<VectorHit[]> {
    await this.fresh();
    return this.memory.search(collectionId, q, k, accept);
  }

  async get(collectionId: string, id: string): Promise<Float32Array | undefined> {
    await this.fresh();
    return this.memory.get(collectionId, id);
  }

  async size(collectionId: string): Promise<number> {
    await this.fresh();
    return this.memory.size(collectionId);
  }

  /** Resolves once this process has applied the log up to `seq`; bounded by `timeoutMs`. */
  async waitFor(seq: number, timeoutMs = 10_000): Promise<void> {
    if (this.cursor >= seq) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('synced', onSynced);
        reject(new Error(`vector log not applied up to ${seq} within ${timeoutMs} ms (at ${this.cursor})`));
      }, timeoutMs);
      const onSynced = (cursor: number) => {
        if (cursor < seq) return;
        clearTimeout(timer);
        this.off('synced', onSynced);
        resolve();
      };
      this.on('synced', onSynced);
    });
  }

  /** Applies every log entry after the cursor. Concurrent calls share one pass (and ask for one more after it). */
  catchUp(): Promise<void> {
    if (this.catching) {
      this.again = true;
      return this.catching;
    }
    this.catching = (async () => {
      try {
        do {
          this.again = false;
          while (await this.applyPage());
        } while (this.again);
        this.emit('synced', this.cursor);
      } catch (e) {
        this.lastError = (e as Error).message;
        this.opts.logger.error({ err: e }, 'vector log catch-up failed');
        throw e;
      } finally {
        this.catching = undefined;
      }
    })();
    return this.catching;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.catching?.catch(() => undefined);
    if (this.listener) {
      await this.listener.query(`UNLISTEN ${NOTIFY_CHANNEL}`).catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
  }

  private async fresh(): Promise<void> {
    if ((this.opts.consistency ?? 'strict') === 'strict') await this.catchUp();
  }

  /** One page of the log; true when there may be more. */
  private async applyPage(): Promise<boolean> {
    const { rows } = await this.opts.pool.query<{ seq: string; collection_id: string; face_id: string | null }>(
      `SELECT seq, collection_id, face_id FROM ${this.s}.vector_log WHERE seq > $1 ORDER BY seq LIMIT ${LOG_PAGE}`,
      [this.cursor],
    );
    if (!rows.length) return false;
    if (Number(rows[0]!.seq) > this.cursor + 1 && (await this.trimmedPast(this.cursor))) {
      this.opts.logger.warn({ cursor: this.cursor }, 'vector log trimmed past this process: reloading');
      await this.load();
      return true;
    }
    // Per collection: whole-collection entries first reload it; then the faces named are re-read from vector_rows.
    const byCollection = new Map<string, { reload: boolean; faces: Set<string> }>();
    for (const r of rows) {
      const e = byCollection.get(r.collection_id) ?? { reload: false, faces: new Set<string>() };
      if (r.face_id === null) e.reload = true;
      else e.faces.add(r.face_id);
      byCollection.set(r.collection_id, e);
    }
    for (const [collectionId, e] of byCollection) {
      if (e.reload) await this.reloadCollection(collectionId);
      else await this.refreshFaces(collectionId, [...e.faces]);
    }
    this.cursor = Number(rows[rows.length - 1]!.seq);
    return rows.length === LOG_PAGE;
  }

  /** True when entries after `cursor` were deleted (not merely a gap left by a rolled-back write). */
  private async trimmedPast(cursor: number): Promise<boolean> {
    const { rows } = await this.opts.pool.query<{ min: string | null }>(
      `SELECT min(seq) AS min FROM ${this.s}.vector_log`,
    );
    return rows[0]?.min !== null && Number(rows[0]?.min) > cursor + 1;
  }

  /** Every row and the log position they reflect, from one snapshot (writers commit in log order). */
  private async load(): Promise<void> {
    const memory = new MemoryVectorIndex({ quantize: this.opts.quantize ?? false });
    const c = await this.opts.pool.connect();
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows: top } = await c.query<{ seq: string }>(
        `SELECT coalesce(max(seq), 0) AS seq FROM ${this.s}.vector_log`,
      );
      for (let after = ['', '']; ;) {
        const { rows } = await c.query<{ collection_id: string; face_id: string; embedding: Buffer }>(
          `SELECT collection_id, face_id, embedding FROM ${this.s}.vector_rows
           WHERE (collection_id, face_id) > ($1, $2) ORDER BY collection_id, face_id LIMIT 4096`,
          after,
        );
        if (!rows.length) break;
        for (const r of rows) {
          await memory.add(r.collection_id, [
            { id: r.face_id, vector: this.open(r.collection_id, r.face_id, r.embedding) },
          ]);
        }
        const last = rows[rows.length - 1]!;
        after = [last.collection_id, last.face_id];
      }
      await c.query('COMMIT');
      this.memory = memory;
      this.cursor = Number(top[0]!.seq);
    } finally {
      c.release();
    }
  }

  private async refreshFaces(collectionId: string, ids: string[]): Promise<void> {
    const { rows } = await this.opts.pool.query<{ face_id: string; embedding: Buffer }>(
      `SELECT face_id, embedding FROM ${this.s}.vector_rows WHERE collection_id = $1 AND face_id = ANY($2)`,
      [collectionId, ids],
    );
    const present = new Set(rows.map((r) => r.face_id));
    await this.memory.remove(
      collectionId,
      ids.filter((id) => !present.has(id)),
    );
    await this.memory.add(
      collectionId,
      rows.map((r) => ({ id: r.face_id, vector: this.open(collectionId, r.face_id, r.embedding) })),
    );
  }

  private seal(collectionId: string, faceId: string, v: Float32Array): Buffer {
    const plain = toBytes(v);
    return this.opts.cipher ? this.opts.cipher.seal(plain, `${collectionId}/${faceId}`) : plain;
  }

  private open(collectionId: string, faceId: string, stored: Buffer): Float32Array {
    return fromBytes(this.opts.cipher ? this.opts.cipher.open(stored, `${collectionId}/${faceId}`) : stored);
  }

  private async reloadCollection(collectionId: string): Promise<void> {
    await this.memory.dropCollection(collectionId);
    for (let after = ''; ;) {
      const { rows } = await this.opts.pool.query<{ face_id: string; embedding: Buffer }>(
        `SELECT face_id, embedding FROM ${this.s}.vector_rows WHERE collection_id = $1 AND face_id > $2
         ORDER BY face_id LIMIT 4096`,
        [collectionId, after],
      );
      if (!rows.length) return;
      await this.memory.add(
        collectionId,
        rows.map((r) => ({ id: r.face_id, vector: this.open(collectionId, r.face_id, r.embedding) })),
      );
      after = rows[rows.length - 1]!.face_id;
    }
  }

  private async log(c: PoolClient, collectionId: string, ids: (string | null)[]): Promise<void> {
    const { rows } = await c.query<{ seq: string }>(
      `INSERT INTO ${this.s}.vector_log (collection_id, face_id) SELECT $1, f FROM unnest($2::text[]) AS u(f)
       RETURNING seq`,
      [collectionId, ids],
    );
    this.lastWrite = Math.max(this.lastWrite, ...rows.map((r) => Number(r.seq)));
  }

  /** A change, its log entries and the notification in one transaction, under the schema's writer lock. */
  private async write(fn: (c: PoolClient) => Promise<void>): Promise<void> {
    const before = this.lastWrite;
    const c = await this.opts.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`facegate.vector_log.${this.schemaName}`]);
      await fn(c);
      await c.query(`SELECT pg_notify($1, $2)`, [NOTIFY_CHANNEL, this.schemaName]);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
    // Read-your-writes: the change reaches this process's index before the call returns.
    await this.catchUp();
    await this.trim(before);
  }

  /** Every TRIM_EVERY entries, deletes those older than the retained window (bounded log). */
  private async trim(before: number): Promise<void> {
    if (Math.floor(before / TRIM_EVERY) === Math.floor(this.lastWrite / TRIM_EVERY)) return;
    const horizon = this.lastWrite - (this.opts.logRetain ?? 100_000);
    if (horizon > 0) await this.opts.pool.query(`DELETE FROM ${this.s}.vector_log WHERE seq <= $1`, [horizon]);
  }

  private async startListening(): Promise<void> {
    const client = await this.opts.pool.connect();
    client.on('notification', (n) => {
      if (n.channel === NOTIFY_CHANNEL && n.payload === this.schemaName) void this.catchUp().catch(() => undefined);
    });
    client.on('error', (e) => {
      // The timer (and strict reads) keep the index in step until the next start re-listens.
      this.lastError = `listener lost: ${e.message}`;
      this.opts.logger.error({ err: e }, 'vector change listener lost; relying on polling');
      if (this.listener === client) this.listener = undefined;
      client.release(e);
    });
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    if (this.closed) client.release();
    else this.listener = client;
  }
}
