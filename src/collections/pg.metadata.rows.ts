// The Postgres MetadataStore's schema and row mappings (pg.metadata.driver.ts): its migrations, the faces' column
// list and the conversions between rows and the port's types. Descriptors are little-endian float32 bytea, as on
// SQLite; sealing them is the driver's.
import type { CollectionRow, FaceRow, UserRow } from './metadata.port.ts';
import { decodeDescriptor } from './sqlite.rows.ts';

export const MIGRATIONS = [
  `CREATE TABLE \${schema}.collections (
     id TEXT PRIMARY KEY, face_model_version TEXT NOT NULL, descriptor_size INTEGER NOT NULL,
     created_at TIMESTAMPTZ NOT NULL, tags JSONB NOT NULL DEFAULT '{}');
   CREATE TABLE \${schema}.faces (
     collection_id TEXT NOT NULL REFERENCES \${schema}.collections (id) ON DELETE CASCADE,
     face_id TEXT NOT NULL, image_id TEXT NOT NULL, external_image_id TEXT,
     box_left DOUBLE PRECISION NOT NULL, box_top DOUBLE PRECISION NOT NULL, box_width DOUBLE PRECISION NOT NULL,
     box_height DOUBLE PRECISION NOT NULL, confidence DOUBLE PRECISION NOT NULL, brightness DOUBLE PRECISION NOT NULL,
     sharpness DOUBLE PRECISION NOT NULL, roll DOUBLE PRECISION NOT NULL, yaw DOUBLE PRECISION NOT NULL,
     pitch DOUBLE PRECISION NOT NULL, model_version TEXT NOT NULL, user_id TEXT, created_at TIMESTAMPTZ NOT NULL,
     descriptor BYTEA NOT NULL, PRIMARY KEY (collection_id, face_id));
   CREATE INDEX faces_by_user_id ON \${schema}.faces (collection_id, user_id, face_id) WHERE user_id IS NOT NULL;
   CREATE TABLE \${schema}.users (
     collection_id TEXT NOT NULL REFERENCES \${schema}.collections (id) ON DELETE CASCADE, id TEXT NOT NULL,
     created_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (collection_id, id));
   CREATE TABLE \${schema}.idempotency_tokens (
     collection_id TEXT NOT NULL, scope TEXT NOT NULL, token TEXT NOT NULL, params_hash TEXT NOT NULL,
     response TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (collection_id, scope, token));
   CREATE TABLE \${schema}.settings (name TEXT PRIMARY KEY, value BYTEA NOT NULL);`,
];

export const FACE_COLS = `collection_id, face_id, image_id, external_image_id, box_left, box_top, box_width, box_height,
  confidence, brightness, sharpness, roll, yaw, pitch, model_version, user_id, created_at`;

export interface FaceDb {
  collection_id: string;
  face_id: string;
  image_id: string;
  external_image_id: string | null;
  box_left: number;
  box_top: number;
  box_width: number;
  box_height: number;
  confidence: number;
  brightness: number;
  sharpness: number;
  roll: number;
  yaw: number;
  pitch: number;
  model_version: string;
  user_id: string | null;
  created_at: Date;
  descriptor?: Buffer;
}
export interface CollectionDb {
  id: string;
  face_model_version: string;
  descriptor_size: number;
  created_at: Date;
  tags: Record<string, string>;
}

export const toCollection = (r: CollectionDb): CollectionRow => ({
  id: r.id,
  faceModelVersion: r.face_model_version,
  descriptorSize: r.descriptor_size,
  createdAt: r.created_at,
  tags: r.tags,
});

export const toFace = (r: FaceDb, descriptor?: Buffer): FaceRow => ({
  id: r.face_id,
  collectionId: r.collection_id,
  imageId: r.image_id,
  externalImageId: r.external_image_id,
  box: { left: r.box_left, top: r.box_top, width: r.box_width, height: r.box_height },
  confidence: r.confidence,
  quality: { brightness: r.brightness, sharpness: r.sharpness },
  pose: { roll: r.roll, yaw: r.yaw, pitch: r.pitch },
  modelVersion: r.model_version,
  userId: r.user_id,
  createdAt: r.created_at,
  descriptor: descriptor ? decodeDescriptor(descriptor) : new Float32Array(0),
});

export const faceValues = (f: FaceRow, descriptor: Buffer): unknown[] => [
  f.collectionId,
  f.id,
  f.imageId,
  f.externalImageId,
  f.box.left,
  f.box.top,
  f.box.width,
  f.box.height,
  f.confidence,
  f.quality.brightness,
  f.quality.sharpness,
  f.pose.roll,
  f.pose.yaw,
  f.pose.pitch,
  f.modelVersion,
  f.userId,
  f.createdAt,
  descriptor,
];

export interface UserDb {
  collection_id: string;
  id: string;
  created_at: Date;
  face_count: number;
}
export const toUser = (r: UserDb): UserRow => ({
  collectionId: r.collection_id,
  id: r.id,
  createdAt: r.created_at,
  faceCount: r.face_count,
});
