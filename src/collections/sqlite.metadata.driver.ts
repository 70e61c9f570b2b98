// MetadataStore on SQLite (better-sqlite3): on the deployment database's shared handle (src/db/sqlite.database.ts),
// or a file of its own for tools and tests. WAL journal, synchronous=FULL by default so that a committed transaction
// survives power loss, not only a process crash (NORMAL is faster; see docs/benchmarks.md).
import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { openSqliteFile } from '../db/sqlite.database.ts';
import { sqliteUnitOfWork } from '../db/sqlite.unit-of-work.ts';
import type { Staged, UnitOfWork } from '../db/unit-of-work.ts';
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
import { migrate } from './sqlite.migrations.ts';
import { decodeDescriptor, faceFromDb, faceToDb, type FaceDbRow } from './sqlite.rows.ts';

export type SqliteOptions = (
  | {
      /** File path, or ':memory:' for tests; the store owns and closes the handle. */
      path: string;
      synchronous?: 'FULL' | 'NORMAL';
    }
  | {
      /** The deployment's shared handle; its owner closes it. */
      db: Database;
    }
) & {
  /** Encryption at rest of the descriptor column (governance/crypto). */
  descriptorCipher?: BlobCipher;
};

interface CollectionDbRow {
  id: string;
  face_model_version: string;
  descriptor_size: number;
  created_at: number;
  tags: string;
}
interface Counts {
  face_count: number;
  user_count: number;
}

const STATS = `SELECT c.*, (SELECT COUNT(*) FROM faces f WHERE f.collection_id = c.id) AS face_count,
  (SELECT COUNT(*) FROM users u WHERE u.collection_id = c.id) AS user_count FROM collections c`;
const FACE_COLS = `collection_id, id, image_id, external_image_id, box_left, box_top, box_width, box_height, confidence,
  brightness, sharpness, roll, yaw, pitch, model_version, user_id, created_at`;

const toRow = (r: CollectionDbRow): CollectionRow => ({
  id: r.id,
  faceModelVersion: r.face_model_version,
  descriptorSize: r.descriptor_size,
  createdAt: new Date(r.created_at),
  tags: JSON.parse(r.tags) as Record<string, string>,
});

const isConstraint = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && String((e as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT');

export class SqliteMetadataStore implements MetadataStore {
  readonly db: Database;
  readonly unitOfWork: UnitOfWork;
  private readonly owned: boolean;

  private readonly cipher: BlobCipher | undefined;

  constructor(options: SqliteOptions) {
    this.cipher = options.descriptorCipher;
    this.owned = 'path' in options;
    this.db = 'path' in options ? openSqliteFile(options.path, { synchronous: options.synchronous }) : options.db;
    migrate(this.db);
    this.unitOfWork = sqliteUnitOfWork(this.db);
  }

  async createCollection(row: CollectionRow): Promise<void> {
    try {
      this.db
        .prepare(
          'INSERT INTO collections (id, face_model_version, descriptor_size, created_at, tags) VALUES (?, ?, ?, ?, ?)',
        )
        .run(row.id, row.faceModelVersion, row.descriptorSize, row.createdAt.getTime(), JSON.stringify(row.tags));
    } catch (e) {
      if (isConstraint(e)) throw new FacegateError('ALREADY_EXISTS', `Collection ${row.id} already exists`);
      throw e;
    }
  }

  async getCollection(id: string): Promise<CollectionRow | undefined> {
    const r = this.db.prepare('SELECT * FROM collections WHERE id = ?').get(id) as CollectionDbRow | undefined;
    return r && toRow(r);
  }

  async collectionStats(id: string): Promise<CollectionStats | undefined> {
    const r = this.db.prepare(`${STATS} WHERE c.id = ?`).get(id) as (CollectionDbRow & Counts) | undefined;
    return r && { ...toRow(r), faceCount: r.face_count, userCount: r.user_count };
  }

  async listCollections(afterId: string | undefined, limit: number): Promise<CollectionRow[]> {
    const rows = this.db
      .prepare('SELECT * FROM collections WHERE id > ? ORDER BY id LIMIT ?')
      .all(afterId ?? '', limit);
    return (rows as CollectionDbRow[]).map(toRow);
  }

  async deleteCollection(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM idempotency_tokens WHERE collection_id = ?').run(id);
      // faces and users go by ON DELETE CASCADE.
      return this.db.prepare('DELETE FROM collections WHERE id = ?').run(id).changes > 0;
    })();
  }

  async insertFaces(faces: FaceRow[]): Promise<void> {
    this.db.transaction(() => this.insertFacesNow(faces))();
  }

  /** insertFaces as a write of a larger unit of work (committed with the rows of other parts). */
  stageInsertFaces(faces: FaceRow[]): Staged {
    return { sqlite: () => this.insertFacesNow(faces) };
  }

  /** deleteFaces as a write of a larger unit of work. */
  stageDeleteFaces(collectionId: string, ids: string[]): Staged {
    return { sqlite: () => void this.deleteFacesNow(collectionId, ids) };
  }

  private insertFacesNow(faces: FaceRow[]): void {
    const insert = this.db.prepare(
      `INSERT INTO faces (${FACE_COLS}, descriptor) VALUES (@collection_id, @id, @image_id, @external_image_id,
       @box_left, @box_top, @box_width, @box_height, @confidence, @brightness, @sharpness, @roll, @yaw, @pitch,
       @model_version, @user_id, @created_at, @descriptor)`,
    );
    const exists = this.db.prepare('SELECT 1 FROM collections WHERE id = ?');
    for (const f of faces) {
      if (!exists.get(f.collectionId)) throw new FacegateError('NOT_FOUND', `Collection ${f.collectionId} not found`);
      const row = faceToDb(f);
      if (this.cipher) row.descriptor = this.cipher.seal(row.descriptor, `${f.collectionId}/${f.id}`);
      insert.run(row);
    }
  }

  async getFaces(collectionId: string, ids: string[]): Promise<FaceRow[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT ${FACE_COLS}, descriptor FROM faces WHERE collection_id = ? AND id IN (SELECT value FROM json_each(?))`,
      )
      .all(collectionId, JSON.stringify(ids)) as FaceDbRow[];
    return rows.map((r) => faceFromDb(r.descriptor ? { ...r, descriptor: this.openDescriptor(r, r.descriptor) } : r));
  }

  async listFaces(collectionId: string, q: FaceQuery): Promise<FaceRow[]> {
    let sql = `SELECT ${FACE_COLS} FROM faces WHERE collection_id = ? AND id > ?`;
    const args: unknown[] = [collectionId, q.afterId ?? ''];
    if (q.userId !== undefined) {
      sql += ' AND user_id = ?';
      args.push(q.userId);
    }
    if (q.faceIds !== undefined) {
      sql += ' AND id IN (SELECT value FROM json_each(?))';
      args.push(JSON.stringify(q.faceIds));
    }
    sql += ' ORDER BY id LIMIT ?';
    args.push(q.limit);
    return (this.db.prepare(sql).all(...args) as FaceDbRow[]).map(faceFromDb);
  }

  async deleteFaces(collectionId: string, ids: string[]): Promise<string[]> {
    return this.db.transaction(() => this.deleteFacesNow(collectionId, ids))();
  }

  private deleteFacesNow(collectionId: string, ids: string[]): string[] {
    const del = this.db.prepare('DELETE FROM faces WHERE collection_id = ? AND id = ?');
    return ids.filter((id) => del.run(collectionId, id).changes > 0);
  }

  async *scanDescriptors(): AsyncIterable<{ collectionId: string; faceId: string; descriptor: Float32Array }> {
    const rows = this.db
      .prepare('SELECT collection_id, id, descriptor FROM faces ORDER BY collection_id, id')
      .iterate();
    for (const r of rows as Iterable<{ collection_id: string; id: string; descriptor: Buffer }>) {
      const descriptor = decodeDescriptor(this.openDescriptor(r, r.descriptor));
      yield { collectionId: r.collection_id, faceId: r.id, descriptor };
    }
  }

  private openDescriptor(r: { collection_id: string; id: string }, blob: Buffer): Buffer {
    return this.cipher ? this.cipher.open(blob, `${r.collection_id}/${r.id}`) : blob;
  }

  /** One transaction per 500 rows, each row replaced only if unchanged since it was read (a delete wins). */
  async resealDescriptors(): Promise<number> {
    const cipher = this.cipher;
    if (!cipher) return 0;
    const read = this.db.prepare(
      `SELECT collection_id, id, descriptor FROM faces WHERE (collection_id, id) > (?, ?)
       ORDER BY collection_id, id LIMIT 500`,
    );
    const update = this.db.prepare(
      'UPDATE faces SET descriptor = ? WHERE collection_id = ? AND id = ? AND descriptor = ?',
    );
    let n = 0;
    for (let after = ['', '']; ;) {
      const rows = read.all(...after) as { collection_id: string; id: string; descriptor: Buffer }[];
      if (!rows.length) return n;
      this.db.transaction(() => {
        for (const r of rows) {
          if (cipher.current(r.descriptor)) continue;
          const aad = `${r.collection_id}/${r.id}`;
          n += update.run(
            cipher.seal(cipher.open(r.descriptor, aad), aad),
            r.collection_id,
            r.id,
            r.descriptor,
          ).changes;
        }
      })();
      const last = rows[rows.length - 1]!;
      after = [last.collection_id, last.id];
    }
  }

  async createUser(collectionId: string, userId: string, createdAt: Date): Promise<void> {
    try {
      this.db
        .prepare('INSERT INTO users (collection_id, id, created_at) VALUES (?, ?, ?)')
        .run(collectionId, userId, createdAt.getTime());
    } catch (e) {
      if (isConstraint(e)) {
        const found = this.db.prepare('SELECT 1 FROM collections WHERE id = ?').get(collectionId);
        if (!found) throw new FacegateError('NOT_FOUND', `Collection ${collectionId} not found`);
        throw new FacegateError('CONFLICT', `User ${userId} already exists`);
      }
      throw e;
    }
  }

  private readonly userSql = `SELECT u.collection_id, u.id, u.created_at,
    (SELECT COUNT(*) FROM faces f WHERE f.collection_id = u.collection_id AND f.user_id = u.id) AS face_count FROM users u`;

  async getUser(collectionId: string, userId: string): Promise<UserRow | undefined> {
    const r = this.db.prepare(`${this.userSql} WHERE u.collection_id = ? AND u.id = ?`).get(collectionId, userId);
    return r ? toUser(r as UserDbRow) : undefined;
  }

  async listUsers(collectionId: string, afterId: string | undefined, limit: number): Promise<UserRow[]> {
    const rows = this.db
      .prepare(`${this.userSql} WHERE u.collection_id = ? AND u.id > ? ORDER BY u.id LIMIT ?`)
      .all(collectionId, afterId ?? '', limit);
    return (rows as UserDbRow[]).map(toUser);
  }

  async deleteUser(collectionId: string, userId: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db
        .prepare('UPDATE faces SET user_id = NULL WHERE collection_id = ? AND user_id = ?')
        .run(collectionId, userId);
      return (
        this.db.prepare('DELETE FROM users WHERE collection_id = ? AND id = ?').run(collectionId, userId).changes > 0
      );
    })();
  }

  async setFaceUser(collectionId: string, faceIds: string[], userId: string | null): Promise<void> {
    const upd = this.db.prepare('UPDATE faces SET user_id = ? WHERE collection_id = ? AND id = ?');
    this.db.transaction(() => {
      for (const id of faceIds) upd.run(userId, collectionId, id);
    })();
  }

  async userFaces(collectionId: string): Promise<Map<string, string>> {
    const rows = this.db
      .prepare('SELECT id, user_id FROM faces WHERE collection_id = ? AND user_id IS NOT NULL')
      .all(collectionId) as { id: string; user_id: string }[];
    return new Map(rows.map((r) => [r.id, r.user_id]));
  }

  async getIdempotency(collectionId: string, scope: string, token: string): Promise<IdempotencyRecord | undefined> {
    const r = this.db
      .prepare('SELECT * FROM idempotency_tokens WHERE collection_id = ? AND scope = ? AND token = ?')
      .get(collectionId, scope, token) as { params_hash: string; response: string; created_at: number } | undefined;
    return r && { paramsHash: r.params_hash, response: r.response, createdAt: new Date(r.created_at) };
  }

  async putIdempotency(collectionId: string, scope: string, token: string, rec: IdempotencyRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO idempotency_tokens (collection_id, scope, token, params_hash, response, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(collectionId, scope, token, rec.paramsHash, rec.response, rec.createdAt.getTime());
  }

  async secret(name: string): Promise<Uint8Array> {
    this.db
      .prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING')
      .run(name, randomBytes(32));
    const r = this.db.prepare('SELECT value FROM settings WHERE name = ?').get(name) as { value: Buffer };
    return new Uint8Array(r.value);
  }

  async close(): Promise<void> {
    if (this.owned && this.db.open) this.db.close();
  }
}

interface UserDbRow {
  collection_id: string;
  id: string;
  created_at: number;
  face_count: number;
}
const toUser = (r: UserDbRow): UserRow => ({
  collectionId: r.collection_id,
  id: r.id,
  createdAt: new Date(r.created_at),
  faceCount: r.face_count,
});
