// Rows of the liveness tables ↔ the port's records, the same for both drivers: times are Unix milliseconds, boxes
// and images JSON text, descriptors raw float32 bytes, sealed with the deployment's descriptor cipher when
// encryption at rest is on (bound to `liveness_frames:<session id>`, so a sealed value does not open in another
// session or table; values written before encryption carry no marker and read as they are).
import type { BlobCipher } from '../collections/metadata.port.ts';
import type { Box } from '../vision/vision.types.ts';
import type { FrameScore } from './liveness.challenge.ts';
import type { Erased, SessionRow, StoredFrame, StoredImage, StoredStatus, Swept } from './liveness.store.port.ts';

export type Row = Record<string, unknown>;

/** Statuses in which a session takes frames and can be claimed. */
export const OPEN = `('CREATED', 'IN_PROGRESS')`;

export const descriptorBytes = (d: Float32Array): Buffer => Buffer.from(d.buffer, d.byteOffset, d.byteLength);

/** The associated data a frame's descriptor is sealed with. */
export const frameDescriptorAad = (sessionId: string): string => `liveness_frames:${sessionId}`;

function descriptor(v: unknown, sessionId: string, cipher?: BlobCipher): Float32Array | undefined {
  if (v === null || v === undefined) return undefined;
  const b = cipher ? cipher.open(Buffer.from(v as Uint8Array), frameDescriptorAad(sessionId)) : (v as Uint8Array);
  // Copy: the driver's Buffer may be a slice of a pooled, unaligned ArrayBuffer.
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const imagesJson = (reference: StoredImage | null, audits: readonly StoredImage[]): string =>
  JSON.stringify({ reference, audits });

function storedImages(images: unknown): StoredImage[] {
  if (!images) return [];
  const { reference, audits } = JSON.parse(String(images)) as { reference: StoredImage | null; audits: StoredImage[] };
  return [reference, ...audits].filter((i): i is StoredImage => !!i);
}

/** The frame objects an `images` column names (inline result images). */
export const imageKeys = (images: unknown): string[] =>
  storedImages(images).flatMap((i) => (i.frameKey ? [i.frameKey] : []));

/** The output-bucket objects an `images` column names. */
export const imageObjects = (images: unknown): { bucket: string; name: string }[] =>
  storedImages(images).flatMap((i) => (i.object ? [i.object] : []));

/** Groups (session_id, object_key) rows and the sessions' image columns into one Swept per session. */
export function swept(
  ids: readonly string[],
  frames: readonly { session_id: string; object_key: string | null }[],
  images: ReadonlyMap<string, unknown> = new Map(),
): Swept[] {
  return ids.map((id) => ({
    id,
    objectKeys: [
      ...frames.filter((f) => f.session_id === id && f.object_key).map((f) => f.object_key!),
      ...imageKeys(images.get(id)),
    ],
  }));
}

/** Swept, with the output-bucket objects of each session (an erasure deletes those too). */
export function erased(
  ids: readonly string[],
  frames: readonly { session_id: string; object_key: string | null }[],
  images: ReadonlyMap<string, unknown>,
): Erased[] {
  return swept(ids, frames, images).map((s) => ({ ...s, outputs: imageObjects(images.get(s.id)) }));
}

export function toSession(r: Row): SessionRow {
  const images = r.images
    ? (JSON.parse(String(r.images)) as { reference: StoredImage | null; audits: StoredImage[] })
    : { reference: null, audits: [] };
  return {
    id: String(r.id),
    creator: String(r.creator),
    createdAt: num(r.created_at),
    auditImagesLimit: num(r.audit_images_limit),
    output:
      r.output_bucket === null || r.output_bucket === undefined
        ? null
        : { bucket: String(r.output_bucket), keyPrefix: String(r.output_prefix ?? '') },
    subjectId: r.subject_id === null || r.subject_id === undefined ? null : String(r.subject_id),
    status: String(r.status) as StoredStatus,
    frameCount: num(r.frame_count),
    confidence: numOrNull(r.confidence),
    reason: r.reason === null || r.reason === undefined ? null : String(r.reason),
    reference: images.reference,
    audits: images.audits,
    finishedAt: numOrNull(r.finished_at),
  };
}

export function toFrame(r: Row, cipher?: BlobCipher): StoredFrame {
  const d = descriptor(r.descriptor, String(r.session_id), cipher);
  const score: FrameScore = {
    faces: num(r.faces),
    yaw: num(r.yaw),
    liveness: num(r.liveness),
    ...(r.box ? { box: JSON.parse(String(r.box)) as Box } : {}),
    ...(d ? { descriptor: d } : {}),
  };
  return { seq: num(r.seq), score, objectKey: r.object_key ? String(r.object_key) : null };
}

/** The frame's columns after (session_id, seq): faces, yaw, liveness, box, descriptor, object_key. */
export const frameValues = (
  sessionId: string,
  f: { score: FrameScore; objectKey: string | null },
  cipher?: BlobCipher,
): unknown[] => {
  const d = f.score.descriptor ? descriptorBytes(f.score.descriptor) : null;
  return [
    f.score.faces,
    f.score.yaw,
    f.score.liveness,
    f.score.box ? JSON.stringify(f.score.box) : null,
    d && cipher ? cipher.seal(d, frameDescriptorAad(sessionId)) : d,
    f.objectKey,
  ];
};
