// Rows ↔ records for both dialects. Postgres returns BIGINT as strings, so every number goes through Number().
// Descriptors go through DoorDescriptors (sealed at rest with encryption on: door.descriptors.ts).
import type { DoorDescriptors } from './door.descriptors.ts';
import type {
  Attempt,
  AttemptOutcome,
  Denial,
  Door,
  DoorVisit,
  Passcode,
  PendingState,
  PendingVisit,
  Photo,
  Visitor,
  VisitKind,
} from './door.types.ts';

type Row = Record<string, unknown>;

const date = (v: unknown): Date => new Date(Number(v));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export const photosJson = (photos: Photo[]): string =>
  JSON.stringify(photos.map((p) => ({ bucket: p.bucket, key: p.key, createdAt: p.createdAt.getTime() })));

const photos = (v: unknown): Photo[] =>
  (JSON.parse(str(v)) as { bucket: string; key: string; createdAt: number }[]).map((p) => ({
    bucket: p.bucket,
    key: p.key,
    createdAt: new Date(p.createdAt),
  }));

export const toDoor = (r: Row): Door => ({
  ...(JSON.parse(str(r.definition)) as Omit<Door, 'id' | 'name' | 'collectionId' | 'createdAt'>),
  id: str(r.id),
  name: str(r.name),
  collectionId: str(r.collection_id),
  createdAt: date(r.created_at),
});

export const doorDefinitionJson = (d: Door): string =>
  JSON.stringify({
    threshold: d.threshold,
    owner: d.owner,
    unlock: d.unlock,
    secondFactorSeconds: d.secondFactorSeconds,
  });

export const toVisitor = (r: Row): Visitor => ({
  id: str(r.id),
  doorId: str(r.door_id),
  name: str(r.name),
  phone: str(r.phone),
  faceIds: JSON.parse(str(r.face_ids)) as string[],
  photos: photos(r.photos),
  createdAt: date(r.created_at),
});

export const toPasscode = (r: Row): Passcode => ({
  id: str(r.id),
  visitorId: str(r.visitor_id),
  doorId: str(r.door_id),
  codeHash: str(r.code_hash),
  createdAt: date(r.created_at),
  expiresAt: date(r.expires_at),
  usedAt: dateOrNull(r.used_at),
  sentAt: dateOrNull(r.sent_at),
});

export const toPending = (r: Row, d: DoorDescriptors): PendingVisit => ({
  id: str(r.id),
  doorId: str(r.door_id),
  visitId: str(r.visit_id),
  state: str(r.state) as PendingState,
  photos: photos(r.photos),
  descriptor: d.read('door_pending', str(r.id), r.descriptor),
  createdAt: date(r.created_at),
  decidedAt: dateOrNull(r.decided_at),
  visitorId: strOrNull(r.visitor_id),
});

export const toDenial = (r: Row, d: DoorDescriptors): Denial => ({
  id: str(r.id),
  doorId: str(r.door_id),
  pendingId: str(r.pending_id),
  descriptor: d.read('door_denials', str(r.id), r.descriptor),
  deniedAt: date(r.denied_at),
  until: date(r.until_at),
});

export const toVisit = (r: Row): DoorVisit => ({
  id: str(r.id),
  doorId: str(r.door_id),
  kind: str(r.kind) as VisitKind,
  visitorId: strOrNull(r.visitor_id),
  similarity: r.similarity === null || r.similarity === undefined ? null : Number(r.similarity),
  snapshot: r.snapshot === null || r.snapshot === undefined ? null : photos(`[${str(r.snapshot)}]`)[0]!,
  at: date(r.at),
});

export const snapshotJson = (p: Photo | null): string | null =>
  p ? JSON.stringify({ bucket: p.bucket, key: p.key, createdAt: p.createdAt.getTime() }) : null;

export const toAttempt = (r: Row): Attempt => ({
  at: date(r.at),
  doorId: str(r.door_id),
  outcome: str(r.outcome) as AttemptOutcome,
  address: str(r.address),
  visitorId: strOrNull(r.visitor_id),
});
