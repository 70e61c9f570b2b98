// Row ↔ domain mapping for the SQLite driver. Descriptors are stored as little-endian float32 BLOBs.
import type { FaceRow } from './metadata.port.ts';

export interface FaceDbRow {
  collection_id: string;
  id: string;
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
  created_at: number;
  descriptor?: Buffer;
}

export function encodeDescriptor(v: Float32Array): Buffer {
  // Copy so the BLOB never aliases a caller's larger buffer.
  return Buffer.from(new Float32Array(v).buffer);
}

export function decodeDescriptor(b: Buffer): Float32Array {
  if (b.byteLength % 4 !== 0) throw new Error(`descriptor BLOB of ${b.byteLength} bytes is not float32`);
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function faceToDb(f: FaceRow): FaceDbRow & { descriptor: Buffer } {
  return {
    collection_id: f.collectionId,
    id: f.id,
    image_id: f.imageId,
    external_image_id: f.externalImageId,
    box_left: f.box.left,
    box_top: f.box.top,
    box_width: f.box.width,
    box_height: f.box.height,
    confidence: f.confidence,
    brightness: f.quality.brightness,
    sharpness: f.quality.sharpness,
    roll: f.pose.roll,
    yaw: f.pose.yaw,
    pitch: f.pose.pitch,
    model_version: f.modelVersion,
    user_id: f.userId,
    created_at: f.createdAt.getTime(),
    descriptor: encodeDescriptor(f.descriptor),
  };
}

export function faceFromDb(r: FaceDbRow): FaceRow {
  return {
    id: r.id,
    collectionId: r.collection_id,
    imageId: r.image_id,
    externalImageId: r.external_image_id,
    box: { left: r.box_left, top: r.box_top, width: r.box_width, height: r.box_height },
    confidence: r.confidence,
    quality: { brightness: r.brightness, sharpness: r.sharpness },
    pose: { roll: r.roll, yaw: r.yaw, pitch: r.pitch },
    modelVersion: r.model_version,
    userId: r.user_id,
    createdAt: new Date(r.created_at),
    descriptor: r.descriptor ? decodeDescriptor(r.descriptor) : new Float32Array(0),
  };
}
