// The hash chain: pure functions, no I/O. hash(n) = sha256(canonical chain fields of n, including prevHash =
// hash(n-1) and the commitment of n's personal fields). Editing any stored field of an entry, dropping an entry in
// the middle, or reordering entries changes a hash the next entry depends on; redaction only removes the personal
// fields and salt, whose commitment stays, so a redacted chain still verifies.
import { createHash, randomBytes } from 'node:crypto';
import type { AuditAnchor, AuditDraft, AuditEntry, AuditPersonal } from './audit.types.ts';

export const GENESIS = '0'.repeat(64);
const VERSION = 1;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export const commitmentOf = (salt: string, personal: AuditPersonal): string =>
  sha256(
    salt +
      JSON.stringify([
        personal.images,
        personal.faceIds,
        personal.personIds,
        personal.externalImageIds,
        personal.userIds,
      ]),
  );

export function hashOf(e: Omit<AuditEntry, 'hash' | 'personal' | 'salt' | 'redactedAt'>): string {
  return sha256(
    JSON.stringify([
      VERSION,
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
      e.commitment,
      e.prevHash,
    ]),
  );
}

/** The complete entry for `draft` appended after `prev` at time `at`. */
export function seal(draft: AuditDraft, prev: AuditAnchor | null, at: number): AuditEntry {
  const salt = randomBytes(16).toString('hex');
  const unsealed = {
    ...draft,
    seq: (prev?.seq ?? 0) + 1,
    at,
    salt,
    commitment: commitmentOf(salt, draft.personal),
    prevHash: prev?.hash ?? GENESIS,
    redactedAt: null,
  };
  return { ...unsealed, hash: hashOf(unsealed) };
}

/** Why `e` does not follow `prev` (null when it does). */
export function checkEntry(e: AuditEntry, prev: AuditAnchor | null): string | null {
  const expectedSeq = (prev?.seq ?? 0) + 1;
  if (e.seq !== expectedSeq) return `entry ${expectedSeq} is missing (found ${e.seq})`;
  if (e.prevHash !== (prev?.hash ?? GENESIS)) return `entry ${e.seq} does not link to the previous entry`;
  if (hashOf(e) !== e.hash) return `entry ${e.seq} was altered (hash mismatch)`;
  if (e.personal !== null) {
    if (e.salt === null || commitmentOf(e.salt, e.personal) !== e.commitment) {
      return `entry ${e.seq}'s personal fields were altered (commitment mismatch)`;
    }
  }
  return null;
}
