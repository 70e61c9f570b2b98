// Row ⇄ entry mapping shared by the SQLite and Postgres audit drivers (same columns on both).
import type { AuditApi, AuditEntry, AuditPersonal } from './audit.types.ts';

export interface AuditRow {
  seq: number | string;
  at: number | string;
  api: string;
  operation: string;
  actor_kind: string;
  actor_id: string;
  address: string | null;
  collection_id: string | null;
  outcome: string;
  decision: string | null;
  similarity: number | null;
  /** Canonical JSON text (TEXT on both drivers: jsonb would reorder keys). */
  personal: string | null;
  salt: string | null;
  commitment: string;
  prev_hash: string;
  hash: string;
  redacted_at: number | string | null;
}

export const AUDIT_COLUMNS =
  'seq, at, api, operation, actor_kind, actor_id, address, collection_id, outcome, decision, similarity, personal, salt, commitment, prev_hash, hash, redacted_at';

export function entryFrom(r: AuditRow): AuditEntry {
  return {
    seq: Number(r.seq),
    at: Number(r.at),
    api: r.api as AuditApi,
    operation: r.operation,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    address: r.address,
    collectionId: r.collection_id,
    outcome: r.outcome,
    decision: r.decision,
    similarity: r.similarity === null ? null : Number(r.similarity),
    personal: r.personal === null ? null : (JSON.parse(r.personal) as AuditPersonal),
    salt: r.salt,
    commitment: r.commitment,
    prevHash: r.prev_hash,
    hash: r.hash,
    redactedAt: r.redacted_at === null ? null : Number(r.redacted_at),
  };
}

/** Values in AUDIT_COLUMNS order. */
export const rowValues = (e: AuditEntry): unknown[] => [
  e.seq,
  e.at,
  e.api,
  e.operation,
  e.actorKind,
  e.actorId,
  e.address,
  e.collectionId,
  e.outcome,
  e.decision,
  e.similarity,
  e.personal === null ? null : JSON.stringify(e.personal),
  e.salt,
  e.commitment,
  e.prevHash,
  e.hash,
  e.redactedAt,
];

/** Every id an entry names, for the subject index used by erasure and subject access. */
export const subjectsOf = (p: AuditPersonal | null): string[] =>
  p ? [...new Set([...p.faceIds, ...p.personIds, ...p.externalImageIds, ...p.userIds])] : [];

/** WHERE clause pieces for a filter; `ph(i)` renders the i-th placeholder (`?` or `$i`). */
export function filterSql(
  f: {
    from?: number;
    to?: number;
    operation?: string;
    actorId?: string;
    collectionId?: string;
    outcome?: string;
    subject?: string;
    afterSeq?: number;
  },
  ph: (i: number) => string,
  subjectsTable: string,
): { where: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, v: unknown) => {
    params.push(v);
    parts.push(sql(ph(params.length)));
  };
  if (f.afterSeq !== undefined) add((p) => `seq > ${p}`, f.afterSeq);
  if (f.from !== undefined) add((p) => `at >= ${p}`, f.from);
  if (f.to !== undefined) add((p) => `at < ${p}`, f.to);
  if (f.operation !== undefined) add((p) => `operation = ${p}`, f.operation);
  if (f.actorId !== undefined) add((p) => `actor_id = ${p}`, f.actorId);
  if (f.collectionId !== undefined) add((p) => `collection_id = ${p}`, f.collectionId);
  if (f.outcome !== undefined) add((p) => `outcome = ${p}`, f.outcome);
  if (f.subject !== undefined) add((p) => `seq IN (SELECT seq FROM ${subjectsTable} WHERE subject = ${p})`, f.subject);
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}
