// The MetadataStore port: everything about collections, faces and users that must survive a crash. Each method is
// one atomic unit (one transaction in SQL drivers), so that a crash never leaves half of an operation behind.
// Drivers: SQLite (embedded default, sqlite.metadata.driver.ts); Postgres (pg.metadata.driver.ts).
// Contract: test/contract/metadata.contract.ts.
import type { Staged, UnitOfWork } from '../db/unit-of-work.ts';
import type { Box, Pose, Quality } from '../vision/vision.types.ts';

export interface CollectionRow {
  id: string;
  faceModelVersion: string;
  /** Descriptor length every face of this collection has. */
  descriptorSize: number;
  createdAt: Date;
  tags: Record<string, string>;
}

export interface CollectionStats extends CollectionRow {
  faceCount: number;
  userCount: number;
}

export interface FaceRow {
  id: string;
  collectionId: string;
  imageId: string;
  externalImageId: string | null;
  box: Box;
  /** 0–100. */
  confidence: number;
  quality: Quality;
  pose: Pose;
  modelVersion: string;
  userId: string | null;
  createdAt: Date;
  /** Unit-length descriptor. */
  descriptor: Float32Array;
}

export interface UserRow {
  collectionId: string;
  id: string;
  createdAt: Date;
  faceCount: number;
}

/** A stored answer to a request carrying a ClientRequestToken. */
export interface IdempotencyRecord {
  /** Hash of the request parameters the token was first used with. */
  paramsHash: string;
  /** JSON of the first answer. */
  response: string;
  createdAt: Date;
}

/**
 * Encryption at rest of stored descriptors (governance/crypto): `aad` binds a sealed BLOB to its face
 * (`<collectionId>/<faceId>`), so a BLOB copied to another row does not open. `open` passes through BLOBs written
 * before encryption was switched on.
 */
export interface BlobCipher {
  seal(plain: Buffer, aad: string): Buffer;
  open(stored: Buffer, aad: string): Buffer;
  /** True when `stored` is sealed under the active data key (false for plaintext and older keys). */
  current(stored: Buffer): boolean;
}

export interface FaceQuery {
  /** Keyset pagination: faces with id > afterId, ordered by id. */
  afterId?: string;
  limit: number;
  userId?: string;
  faceIds?: string[];
}

export interface MetadataStore {
  /** Throws FacegateError ALREADY_EXISTS when the id is taken. */
  createCollection(row: CollectionRow): Promise<void>;
  /** Cheap (no counting): every request looks its collection up. */
  getCollection(id: string): Promise<CollectionRow | undefined>;
  /** With face and user counts, for DescribeCollection. */
  collectionStats(id: string): Promise<CollectionStats | undefined>;
  /** Ordered by id; ids > afterId. */
  listCollections(afterId: string | undefined, limit: number): Promise<CollectionRow[]>;
  /** Removes the collection with its faces, users and tokens. False when it did not exist. */
  deleteCollection(id: string): Promise<boolean>;

  /** All faces in one transaction. Throws NOT_FOUND when the collection is gone. */
  insertFaces(faces: FaceRow[]): Promise<void>;
  /** The faces of `ids` that exist, in no particular order. */
  getFaces(collectionId: string, ids: string[]): Promise<FaceRow[]>;
  /** Without descriptors (an empty Float32Array) to keep listing cheap. Ordered by id. */
  listFaces(collectionId: string, query: FaceQuery): Promise<FaceRow[]>;
  /** Deletes those of `ids` that exist; returns the deleted ids. */
  deleteFaces(collectionId: string, ids: string[]): Promise<string[]>;
  /**
   * The deployment database's unit of work: writes staged here and by the other parts' stores on the same database
   * (people, events) commit together.
   */
  readonly unitOfWork: UnitOfWork;
  /** insertFaces as one write of a unit of work (NOT_FOUND at commit when the collection is gone). */
  stageInsertFaces(faces: FaceRow[]): Staged;
  /** deleteFaces as one write of a unit of work (absent ids are skipped). */
  stageDeleteFaces(collectionId: string, ids: string[]): Staged;
  /** Every stored descriptor, for loading the vector index at start. */
  scanDescriptors(): AsyncIterable<{ collectionId: string; faceId: string; descriptor: Float32Array }>;
  /**
   * With a descriptor cipher: re-seals every stored descriptor not sealed under the active data key (after a
   * rotation, or written before encryption was switched on); returns how many. Without one: 0.
   */
  resealDescriptors(): Promise<number>;

  /** Throws CONFLICT when the user exists. */
  createUser(collectionId: string, userId: string, createdAt: Date): Promise<void>;
  getUser(collectionId: string, userId: string): Promise<UserRow | undefined>;
  listUsers(collectionId: string, afterId: string | undefined, limit: number): Promise<UserRow[]>;
  /** Deletes the user and clears the association of its faces (the faces stay). */
  deleteUser(collectionId: string, userId: string): Promise<boolean>;
  /** Sets (or with null clears) the user of these faces. */
  setFaceUser(collectionId: string, faceIds: string[], userId: string | null): Promise<void>;
  /** faceId → userId for every associated face of the collection. */
  userFaces(collectionId: string): Promise<Map<string, string>>;

  getIdempotency(collectionId: string, scope: string, token: string): Promise<IdempotencyRecord | undefined>;
  /** Keeps the first record when two requests race with one token. */
  putIdempotency(collectionId: string, scope: string, token: string, record: IdempotencyRecord): Promise<void>;

  /** A per-installation secret (e.g. the pagination token key), created once and kept. */
  secret(name: string): Promise<Uint8Array>;
  close(): Promise<void>;
}
