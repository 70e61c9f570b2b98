// VectorIndex on Postgres + pgvector: one table `face_vectors` for every collection, the dimension kept per row, and
// one HNSW cosine index per dimension (a partial expression index on `embedding::vector(dim)`, since an HNSW index
// needs a fixed dimension and each face model has its own). Search is a kNN CTE ordered by distance with a LIMIT, so
// the planner uses the index; callers apply their similarity threshold to the result, after the LIMIT. The HNSW scan
// is approximate and its collection filter runs after it, so with pgvector ≥ 0.8 iterative index scans keep scanning
// until enough rows pass; a search that still comes back short (or whose `accept` filter leaves too few) is re-checked
// by an exact scan of the collection. Contract: test/contract/vector.contract.ts.
import pg, { type Pool, type PoolClient, type QueryResult } from 'pg';
import { pgIdent, migratePg } from '../db/pg.migrate.ts';
import { withPgTransaction } from '../db/pg.database.ts';
import { FacegateError } from '../errors.ts';
import { TopK } from './topk.ts';
import type { VectorHit, VectorIndex } from './vector.port.ts';

/** pgvector's HNSW limit for `vector` columns; larger descriptors are searched exactly. */
export const HNSW_MAX_DIM = 2000;
const BATCH = 500;

export const PGVECTOR_MIGRATIONS: readonly string[] = [
  `CREATE TABLE \${schema}.vector_collections (collection_id TEXT PRIMARY KEY, dim INTEGER NOT NULL);
   CREATE TABLE \${schema}.face_vectors (
     collection_id TEXT NOT NULL, face_id TEXT NOT NULL, dim INTEGER NOT NULL, embedding vector NOT NULL,
     PRIMARY KEY (collection_id, face_id));`,
];

export interface PgVectorOptions {
  pool: Pool;
  schema?: string;
  /** HNSW candidate list size at query time (`hnsw.ef_search`): higher is slower and recalls more. */
  efSearch?: number;
  /** HNSW build parameters for indexes created by this process. */
  m?: number;
  efConstruction?: number;
}

export type PgvectorProbe = { available: true; version: string } | { available: false; reason: string };

/** Installs (if allowed) and reports the pgvector extension; never throws for a missing extension. */
export async function probePgvector(pool: Pool): Promise<PgvectorProbe> {
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS vector');
    const { rows } = await pool.query<{ v: string }>(
      `SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`,
    );
    return { available: true, version: rows[0]?.v ?? 'unknown' };
  } catch (e) {
    return { available: false, reason: `CREATE EXTENSION vector failed: ${(e as Error).message}` };
  }
}

/** "0.8.7" ≥ "0.8.0": pgvector added iterative index scans in 0.8.0. */
export const hasIterativeScan = (version: string): boolean => {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 0 || minor >= 8;
};

const { escapeLiteral } = pg;
export const literal = (v: Float32Array): string => `[${Array.from(v).join(',')}]`;

export class PgVectorIndex implements VectorIndex {
  private readonly s: string;
  private readonly efSearch: number;
  private readonly indexed = new Set<number>();

  private constructor(
    private readonly opts: PgVectorOptions,
    private readonly iterative: boolean,
    readonly version: string,
  ) {
    this.s = pgIdent(opts.schema ?? 'public');
    this.efSearch = Math.max(1, Math.min(1000, Math.round(opts.efSearch ?? 100)));
  }

  /** Migrates the schema; throws NOT_READY when the database has no pgvector (see probePgvector). */
  static async open(opts: PgVectorOptions): Promise<PgVectorIndex> {
    const probe = await probePgvector(opts.pool);
    if (!probe.available) throw new FacegateError('NOT_READY', probe.reason);
    await migratePg(opts.pool, 'pgvector', PGVECTOR_MIGRATIONS, opts.schema ?? 'public');
    return new PgVectorIndex(opts, hasIterativeScan(probe.version), probe.version);
  }

  async add(collectionId: string, items: { id: string; vector: Float32Array }[]): Promise<void> {
    if (!items.length) return;
    const dim = items[0]!.vector.length;
    if (dim < 1) throw new FacegateError('INVALID_PARAMETER', 'Empty vector');
    // Last write wins within a batch, as in a sequence of adds (ON CONFLICT cannot touch one row twice).
    const latest = new Map(items.map((it) => [it.id, it.vector]));
    await this.tx(async (c) => {
      await c.query(`INSERT INTO ${this.s}.vector_collections VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        collectionId,
        dim,
      ]);
      const have = await this.dimOf(c, collectionId);
      for (const v of latest.values()) {
        if (v.length !== have) {
          throw new FacegateError('INVALID_PARAMETER', `Vector of ${v.length} values; the collection holds ${have}`);
        }
      }
      const entries = [...latest];
      for (let i = 0; i < entries.length; i += BATCH) {
        const part = entries.slice(i, i + BATCH);
        await c.query(
          `INSERT INTO ${this.s}.face_vectors (collection_id, face_id, dim, embedding)
           SELECT $1, f, $2, e::vector FROM unnest($3::text[], $4::text[]) AS u(f, e)
           ON CONFLICT (collection_id, face_id) DO UPDATE SET embedding = EXCLUDED.embedding, dim = EXCLUDED.dim`,
          [collectionId, have, part.map(([id]) => id), part.map(([, v]) => literal(v))],
        );
      }
    });
    await this.ensureIndex(dim);
  }

  async remove(collectionId: string, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.opts.pool.query(`DELETE FROM ${this.s}.face_vectors WHERE collection_id = $1 AND face_id = ANY($2)`, [
      collectionId,
      ids,
    ]);
  }

  async dropCollection(collectionId: string): Promise<void> {
    await this.tx(async (c) => {
      await c.query(`DELETE FROM ${this.s}.face_vectors WHERE collection_id = $1`, [collectionId]);
      await c.query(`DELETE FROM ${this.s}.vector_collections WHERE collection_id = $1`, [collectionId]);
    });
  }

  async search(
    collectionId: string,
    query: Float32Array,
    k: number,
    accept?: (id: string) => boolean,
  ): Promise<VectorHit[]> {
    if (k <= 0) return [];
    // Room for ties at the k-th place (ordered by id) and, with a filter, for the ids it removes.
    const limit = (accept ? 4 : 1) * (k + Math.max(10, k));
    const q = literal(query);
    // The common case in one round trip: rows of the query's dimension exist only if it is the collection's.
    const dim = query.length;
    const rows = dim <= HNSW_MAX_DIM ? await this.annCandidates(collectionId, q, dim, limit) : [];
    const top = rank(rows, k, accept);
    if (top.length >= k) return top;
    // Short: a wrong dimension, a collection smaller than k, or an approximate scan that missed rows.
    const have = await this.dimOf(this.opts.pool, collectionId);
    if (have === undefined) return [];
    if (have !== dim) {
      throw new FacegateError('INVALID_PARAMETER', `Query of ${dim} values; the collection holds ${have}`);
    }
    return this.exactSearch(collectionId, q, k, accept);
  }

  async get(collectionId: string, id: string): Promise<Float32Array | undefined> {
    const { rows } = await this.opts.pool.query<{ e: string }>(
      `SELECT embedding::text AS e FROM ${this.s}.face_vectors WHERE collection_id = $1 AND face_id = $2`,
      [collectionId, id],
    );
    return rows[0] ? Float32Array.from(JSON.parse(rows[0].e) as number[]) : undefined;
  }

  async size(collectionId: string): Promise<number> {
    const { rows } = await this.opts.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.s}.face_vectors WHERE collection_id = $1`,
      [collectionId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Table and index bytes (pg_total_relation_size), for the benchmark. */
  async bytes(): Promise<{ table: number; indexes: number }> {
    const { rows } = await this.opts.pool.query<{ t: string; i: string }>(
      `SELECT pg_table_size('${this.s}.face_vectors') AS t, pg_indexes_size('${this.s}.face_vectors') AS i`,
    );
    return { table: Number(rows[0]!.t), indexes: Number(rows[0]!.i) };
  }

  /**
   * The HNSW scan: the nearest `limit` of the collection by cosine distance, via the index for its dimension. One
   * simple-protocol round trip (settings, query and commit together), so the values are inlined: the vector is
   * numbers only and the collection id goes through escapeLiteral. The collection test is written so that it cannot
   * use the primary key (`collection_id || ''`): otherwise the planner, seeing a selective collection, scans it by
   * key and sorts, exactly and slowly for a large one. So the kNN always walks the HNSW index, filtering as it goes
   * (iteratively, up to hnsw.max_scan_tuples); a collection too small to fill k that way comes back short and is
   * answered by the exact re-check, which does use the key, and is fast precisely because the collection is small.
   */
  private async annCandidates(collectionId: string, q: string, dim: number, limit: number): Promise<Row[]> {
    const ef = Math.max(this.efSearch, Math.min(1000, limit));
    const c = await this.opts.pool.connect();
    try {
      const sql = ['BEGIN', ...knnSettings(ef, this.iterative), knnSql(this.s, collectionId, q, dim, limit), 'COMMIT'];
      const results = (await c.query(sql.join(';\n'))) as unknown as QueryResult<Row>[];
      return results.find((r) => r.command === 'SELECT')?.rows ?? [];
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  /** Exact re-check: a sequential scan ranked by distance, widened until `accept` leaves k or the collection ends. */
  private async exactSearch(
    collectionId: string,
    q: string,
    k: number,
    accept?: (id: string) => boolean,
  ): Promise<VectorHit[]> {
    for (let limit = Math.max(64, 4 * k); ; limit *= 4) {
      const { rows } = await this.opts.pool.query<Row>(
        `SELECT face_id, embedding <=> $2::vector AS distance FROM ${this.s}.face_vectors
         WHERE collection_id = $1 ORDER BY distance, face_id LIMIT $3`,
        [collectionId, q, limit],
      );
      const top = rank(rows, k, accept);
      if (top.length >= k || rows.length < limit) return top;
    }
  }

  /** One HNSW index per dimension, created once (under a lock, so concurrent first adds do not race). */
  private async ensureIndex(dim: number): Promise<void> {
    if (this.indexed.has(dim) || dim > HNSW_MAX_DIM) return;
    const name = pgIdent(`face_vectors_hnsw_${dim}`);
    const m = this.opts.m ?? 16;
    const efc = this.opts.efConstruction ?? 64;
    await this.tx(async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`facegate.hnsw.${this.s}.${dim}`]);
      await c.query(
        `CREATE INDEX IF NOT EXISTS ${name} ON ${this.s}.face_vectors
         USING hnsw ((embedding::vector(${dim})) vector_cosine_ops) WITH (m = ${m}, ef_construction = ${efc})
         WHERE dim = ${dim}`,
      );
    });
    this.indexed.add(dim);
  }

  private async dimOf(c: Pool | PoolClient, collectionId: string): Promise<number | undefined> {
    const { rows } = await c.query<{ dim: number }>(
      `SELECT dim FROM ${this.s}.vector_collections WHERE collection_id = $1`,
      [collectionId],
    );
    return rows[0]?.dim;
  }

  private tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    return withPgTransaction(this.opts.pool, fn);
  }
}

/**
 * Settings for the kNN statement's transaction. With sequential scans off and a collection test the primary key
 * cannot serve (`collection_id || ''`, in knnSql), the only plan left is the HNSW index scan, whatever the planner's
 * estimates say: it filters by collection as it walks (iteratively, up to hnsw.max_scan_tuples, where pgvector has
 * iterative scans). A collection too small to fill k that way comes back short and gets the exact re-check, which
 * uses the key and is fast precisely because the collection is small.
 */
export function knnSettings(efSearch: number, iterative: boolean): string[] {
  return [
    `SET LOCAL hnsw.ef_search = ${Math.round(efSearch)}`,
    'SET LOCAL enable_seqscan = off',
    // relaxed_order: results may come slightly out of order, which the outer ORDER BY puts right.
    ...(iterative ? ['SET LOCAL hnsw.iterative_scan = relaxed_order'] : []),
  ];
}

/** The kNN statement; `s` is a quoted schema, `q` a vector literal of `dim` numbers (values inlined: one round trip). */
export function knnSql(s: string, collectionId: string, q: string, dim: number, limit: number): string {
  const e = `embedding::vector(${dim})`;
  const v = `'${q}'::vector(${dim})`;
  return `WITH knn AS MATERIALIZED (
      SELECT face_id, ${e} <=> ${v} AS distance FROM ${s}.face_vectors
      WHERE dim = ${dim} AND collection_id || '' = ${escapeLiteral(collectionId)} ORDER BY ${e} <=> ${v}
      LIMIT ${Math.floor(limit)})
    SELECT face_id, distance FROM knn ORDER BY distance, face_id`;
}

interface Row {
  face_id: string;
  /** Cosine distance in [0, 2]; similarity = 1 − distance. */
  distance: number;
}

/** Best k by similarity, ties by id ascending, after the optional filter. */
function rank(rows: Row[], k: number, accept?: (id: string) => boolean): VectorHit[] {
  const top = new TopK(k);
  for (const r of rows) {
    if (accept && !accept(r.face_id)) continue;
    top.push({ id: r.face_id, score: 1 - Number(r.distance) });
  }
  return top.sorted();
}
