// MetadataStore on Postgres: collections, faces (descriptors as little-endian float32 bytea, as on SQLite, sealed
// with the descriptor cipher when encryption at rest is on), users, idempotency tokens and settings in one schema.
// Faces are keyed (collection_id, face_id), the key a vector table (pgvector) joins on. The in-process vector index
// is loaded from scanDescriptors like on SQLite.
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { migratePg, pgIdent } from '../db/pg.migrate.ts';
import { pgCode, withPgTransaction } from '../db/pg.database.ts';
import { pgUnitOfWork } from '../db/pg.unit-of-work.ts';
import type { SqlClient, Staged, UnitOfWork } from '../db/unit-of-work.ts';
import { FacegateError } from '../errors.ts';
import type {
  BlobCipher,
  CollectionRow,
  CollectionStats,
  FaceQuery,
  FaceRow,
  IdempotencyRecord,
  MetadataStore,
  UserRow,
} from './metadata.port.ts';
import { decodeDescriptor, encodeDescriptor } from './sqlite.rows.ts';
import {
  FACE_COLS,
  MIGRATIONS,
  faceValues,
  toCollection,
  toFace,
  toUser,
  type CollectionDb,
  type FaceDb,
  type UserDb,
} from './pg.metadata.rows.ts';

/** Opens the store on `pool`, migrating `schema` first (safe when several processes start at once). */
export async function openPgMetadataStore(
  pool: Pool,
  schema = 'public',
  options: { descriptorCipher?: BlobCipher } = {},
): Promise<PgMetadataStore> {
  await migratePg(pool, 'collections', MIGRATIONS, schema);
  return new PgMetadataStore(pool, schema, options.descriptorCipher);
}

export class PgMetadataStore implements MetadataStore {
  readonly unitOfWork: UnitOfWork;
  private readonly s: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
    private readonly cipher?: BlobCipher,
  ) {
    this.s = pgIdent(schema);
    this.unitOfWork = pgUnitOfWork(pool);
  }

  async createCollection(row: CollectionRow): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO ${this.s}.collections (id, face_model_version, descriptor_size, created_at, tags)
         VALUES ($1, $2, $3, $4, $5)`,
        [row.id, row.faceModelVersion, row.descriptorSize, row.createdAt, JSON.stringify(row.tags)],
      );
    } catch (e) {
      if (pgCode(e) === '23505') throw new FacegateError('ALREADY_EXISTS', `Collection ${row.id} already exists`);
      throw e;
    }
  }

  async getCollection(id: string): Promise<CollectionRow | undefined> {
    const { rows } = await this.pool.query<CollectionDb>(`SELECT * FROM ${this.s}.collections WHERE id = $1`, [id]);
    return rows[0] && toCollection(rows[0]);
  }

  async collectionStats(id: string): Promise<CollectionStats | undefined> {
    const { rows } = await this.pool.query<CollectionDb & { face_count: number; user_count: number }>(
      `SELECT c.*, (SELECT COUNT(*)::int FROM ${this.s}.faces f WHERE f.collection_id = c.id) AS face_count,
         (SELECT COUNT(*)::int FROM ${this.s}.users u WHERE u.collection_id = c.id) AS user_count
       FROM ${this.s}.collections c WHERE c.id = $1`,
      [id],
    );
    const r = rows[0];
    return r && { ...toCollection(r), faceCount: r.face_count, userCount: r.user_count };
  }

  async listCollections(afterId: string | undefined, limit: number): Promise<CollectionRow[]> {
    const { rows } = await this.pool.query<CollectionDb>(
      `SELECT * FROM ${this.s}.collections WHERE id > $1 ORDER BY id COLLATE "C" LIMIT $2`,
      [afterId ?? '', limit],
    );
    return rows.map(toCollection);
  }

  async deleteCollection(id: string): Promise<boolean> {
    return withPgTransaction(this.pool, async (c) => {
      await c.query(`DELETE FROM ${this.s}.idempotency_tokens WHERE collection_id = $1`, [id]);
      return ((await c.query(`DELETE FROM ${this.s}.collections WHERE id = $1`, [id])).rowCount ?? 0) > 0;
    });
  }

  async insertFaces(faces: FaceRow[]): Promise<void> {
    await withPgTransaction(this.pool, (c) => this.insertFacesOn(c, faces));
  }

  stageInsertFaces(faces: FaceRow[]): Staged {
    return { pg: (c) => this.insertFacesOn(c, faces) };
  }

  stageDeleteFaces(collectionId: string, ids: string[]): Staged {
    return { pg: async (c) => void (await this.deleteFacesOn(c, collectionId, ids)) };
  }

  private async insertFacesOn(c: SqlClient, faces: FaceRow[]): Promise<void> {
    const known = new Set<string>();
    for (const f of faces) {
      if (!known.has(f.collectionId)) {
        // FOR SHARE: a concurrent DeleteCollection waits for this transaction instead of racing it.
        const found = await c.query(`SELECT 1 FROM ${this.s}.collections WHERE id = $1 FOR SHARE`, [f.collectionId]);
        if (found.rows.length === 0) throw new FacegateError('NOT_FOUND', `Collection ${f.collectionId} not found`);
        known.add(f.collectionId);
      }
      await c.query(
        `INSERT INTO ${this.s}.faces (${FACE_COLS}, descriptor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        faceValues(f, this.sealDescriptor(f)),
      );
    }
  }

  private async deleteFacesOn(c: SqlClient, collectionId: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const { rows } = await c.query(
      `DELETE FROM ${this.s}.faces WHERE collection_id = $1 AND face_id = ANY($2::text[]) RETURNING face_id`,
      [collectionId, ids],
    );
    const gone = new Set((rows as { face_id: string }[]).map((r) => r.face_id));
    return ids.filter((id, i) => gone.has(id) && ids.indexOf(id) === i);
  }

  async getFaces(collectionId: string, ids: string[]): Promise<FaceRow[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<FaceDb>(
      `SELECT ${FACE_COLS}, descriptor FROM ${this.s}.faces WHERE collection_id = $1 AND face_id = ANY($2::text[])`,
      [collectionId, ids],
    );
    return rows.map((r) => toFace(r, this.openDescriptor(r.collection_id, r.face_id, r.descriptor!)));
  }

  private sealDescriptor(f: FaceRow): Buffer {
    const plain = encodeDescriptor(f.descriptor);
    return this.cipher ? this.cipher.seal(plain, `${f.collectionId}/${f.id}`) : plain;
  }

  private openDescriptor(collectionId: string, faceId: string, stored: Buffer): Buffer {
    return this.cipher ? this.cipher.open(stored, `${collectionId}/${faceId}`) : stored;
  }

  async listFaces(collectionId: string, q: FaceQuery): Promise<FaceRow[]> {
    const args: unknown[] = [collectionId, q.afterId ?? ''];
    let sql = `SELECT ${FACE_COLS} FROM ${this.s}.faces WHERE collection_id = $1 AND face_id > $2 COLLATE "C"`;
    if (q.userId !== undefined) sql += ` AND user_id = $${args.push(q.userId)}`;
    if (q.faceIds !== undefined) sql += ` AND face_id = ANY($${args.push(q.faceIds)}::text[])`;
    sql += ` ORDER BY face_id COLLATE "C" LIMIT $${args.push(q.limit)}`;
    return (await this.pool.query<FaceDb>(sql, args)).rows.map((r) => toFace(r));
  }

  async deleteFaces(collectionId: string, ids: string[]): Promise<string[]> {
    return withPgTransaction(this.pool, (c) => this.deleteFacesOn(c, collectionId, ids));
  }

  /** Keyset pages of 2,000 rows, so that a million faces never sit in memory at once. */
  async *scanDescriptors(): AsyncIterable<{ collectionId: string; faceId: string; descriptor: Float32Array }> {
    let after: [string, string] = ['', ''];
    for (;;) {
      const { rows } = await this.pool.query<{ collection_id: string; face_id: string; descriptor: Buffer }>(
        `SELECT collection_id, face_id, descriptor FROM ${this.s}.faces
         WHERE (collection_id COLLATE "C", face_id COLLATE "C") > ($1, $2)
         ORDER BY collection_id COLLATE "C", face_id COLLATE "C" LIMIT 2000`,
        after,
      );
      for (const r of rows) {
        const descriptor = decodeDescriptor(this.openDescriptor(r.collection_id, r.face_id, r.descriptor));
        yield { collectionId: r.collection_id, faceId: r.face_id, descriptor };
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < 2000) return;
      after = [last.collection_id, last.face_id];
    }
  }

  /** Keyset pages of 500; a row is replaced only if unchanged since it was read (a concurrent delete wins). */
  async resealDescriptors(): Promise<number> {
    const cipher = this.cipher;
    if (!cipher) return 0;
    let n = 0;
    for (let after: [string, string] = ['', '']; ;) {
      const { rows } = await this.pool.query<{ collection_id: string; face_id: string; descriptor: Buffer }>(
        `SELECT collection_id, face_id, descriptor FROM ${this.s}.faces
         WHERE (collection_id COLLATE "C", face_id COLLATE "C") > ($1, $2)
         ORDER BY collection_id COLLATE "C", face_id COLLATE "C" LIMIT 500`,
        after,
      );
      const stale = rows.filter((r) => !cipher.current(r.descriptor));
      if (stale.length) {
        const sealed = stale.map((r) => {
          const aad = `${r.collection_id}/${r.face_id}`;
          return cipher.seal(cipher.open(r.descriptor, aad), aad);
        });
        const res = await this.pool.query(
          `UPDATE ${this.s}.faces f SET descriptor = u.next
             FROM unnest($1::text[], $2::text[], $3::bytea[], $4::bytea[]) AS u(c, id, prev, next)
            WHERE f.collection_id = u.c AND f.face_id = u.id AND f.descriptor = u.prev`,
          [stale.map((r) => r.collection_id), stale.map((r) => r.face_id), stale.map((r) => r.descriptor), sealed],
        );
        n += res.rowCount ?? 0;
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < 500) return n;
      after = [last.collection_id, last.face_id];
    }
  }

  async createUser(collectionId: string, userId: string, createdAt: Date): Promise<void> {
    try {
      await this.pool.query(`INSERT INTO ${this.s}.users (collection_id, id, created_at) VALUES ($1, $2, $3)`, [
        collectionId,
        userId,
        createdAt,
      ]);
    } catch (e) {
      if (pgCode(e) === '23503') throw new FacegateError('NOT_FOUND', `Collection ${collectionId} not found`);
      if (pgCode(e) === '23505') throw new FacegateError('CONFLICT', `User ${userId} already exists`);
      throw e;
    }
  }

  private userSql(where: string): string {
    return `SELECT u.collection_id, u.id, u.created_at, (SELECT COUNT(*)::int FROM ${this.s}.faces f
      WHERE f.collection_id = u.collection_id AND f.user_id = u.id) AS face_count FROM ${this.s}.users u ${where}`;
  }

  async getUser(collectionId: string, userId: string): Promise<UserRow | undefined> {
    const { rows } = await this.pool.query<UserDb>(this.userSql('WHERE u.collection_id = $1 AND u.id = $2'), [
      collectionId,
      userId,
    ]);
    return rows[0] && toUser(rows[0]);
  }

  async listUsers(collectionId: string, afterId: string | undefined, limit: number): Promise<UserRow[]> {
    const { rows } = await this.pool.query<UserDb>(
      this.userSql('WHERE u.collection_id = $1 AND u.id > $2 COLLATE "C" ORDER BY u.id COLLATE "C" LIMIT $3'),
      [collectionId, afterId ?? '', limit],
    );
    return rows.map(toUser);
  }

  async deleteUser(collectionId: string, userId: string): Promise<boolean> {
    return withPgTransaction(this.pool, async (c) => {
      await c.query(`UPDATE ${this.s}.faces SET user_id = NULL WHERE collection_id = $1 AND user_id = $2`, [
        collectionId,
        userId,
      ]);
      const r = await c.query(`DELETE FROM ${this.s}.users WHERE collection_id = $1 AND id = $2`, [
        collectionId,
        userId,
      ]);
      return (r.rowCount ?? 0) > 0;
    });
  }

  async setFaceUser(collectionId: string, faceIds: string[], userId: string | null): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.s}.faces SET user_id = $1 WHERE collection_id = $2 AND face_id = ANY($3::text[])`,
      [userId, collectionId, faceIds],
    );
  }

  async userFaces(collectionId: string): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ face_id: string; user_id: string }>(
      `SELECT face_id, user_id FROM ${this.s}.faces WHERE collection_id = $1 AND user_id IS NOT NULL`,
      [collectionId],
    );
    return new Map(rows.map((r) => [r.face_id, r.user_id]));
  }

  async getIdempotency(collectionId: string, scope: string, token: string): Promise<IdempotencyRecord | undefined> {
    const { rows } = await this.pool.query<{ params_hash: string; response: string; created_at: Date }>(
      `SELECT * FROM ${this.s}.idempotency_tokens WHERE collection_id = $1 AND scope = $2 AND token = $3`,
      [collectionId, scope, token],
    );
    const r = rows[0];
    return r && { paramsHash: r.params_hash, response: r.response, createdAt: r.created_at };
  }

  async putIdempotency(collectionId: string, scope: string, token: string, rec: IdempotencyRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.s}.idempotency_tokens (collection_id, scope, token, params_hash, response, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [collectionId, scope, token, rec.paramsHash, rec.response, rec.createdAt],
    );
  }

  async secret(name: string): Promise<Uint8Array> {
    await this.pool.query(`INSERT INTO ${this.s}.settings (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      name,
      randomBytes(32),
    ]);
    const { rows } = await this.pool.query<{ value: Buffer }>(`SELECT value FROM ${this.s}.settings WHERE name = $1`, [
      name,
    ]);
    return new Uint8Array(rows[0]!.value);
  }

  /** The pool belongs to the deployment database; nothing to close here. */
  async close(): Promise<void> {}
}
