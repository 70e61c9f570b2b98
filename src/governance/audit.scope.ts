// One audit entry per API operation: the adapter wraps the operation in `audited(...)`, which opens a scope (async
// local storage) for the operation's lifetime. Image readers call `noteImage(bytes)` wherever bytes enter the
// system (base64 decoding, uploads, object reads), so the entry carries the hash of every image the operation read
// without each handler passing them along. Outside a scope these calls do nothing.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { toFacegateError } from '../errors.ts';
import type { AuditApi, AuditDraft } from './audit.types.ts';

interface Scope {
  images: string[];
  seen: WeakSet<Uint8Array>;
}

const als = new AsyncLocalStorage<Scope>();

/** Records the SHA-256 of an image read by the current audited operation (once per buffer). */
export function noteImage(bytes: Uint8Array): void {
  const scope = als.getStore();
  if (!scope || scope.seen.has(bytes)) return;
  scope.seen.add(bytes);
  const hash = createHash('sha256').update(bytes).digest('hex');
  if (!scope.images.includes(hash)) scope.images.push(hash);
}

export interface AuditCaller {
  api: AuditApi;
  operation: string;
  actorKind: string;
  actorId: string;
  address: string | null;
}

/** What an operation's describer extracts from its request and (when it succeeded) its result. */
export interface AuditDetails {
  collectionId?: string | null;
  decision?: string | null;
  similarity?: number | null;
  faceIds?: (string | undefined | null)[];
  personIds?: (string | undefined | null)[];
  externalImageIds?: (string | undefined | null)[];
  userIds?: (string | undefined | null)[];
}

export interface AuditRecorder {
  record(draft: AuditDraft): Promise<unknown>;
}

const ids = (xs: (string | undefined | null)[] | undefined): string[] => [
  ...new Set((xs ?? []).filter((x): x is string => typeof x === 'string' && x !== '')),
];

export function draftOf(caller: AuditCaller, d: AuditDetails, outcome: string, images: string[]): AuditDraft {
  return {
    ...caller,
    collectionId: d.collectionId ?? null,
    outcome,
    decision: d.decision ?? null,
    similarity: d.similarity === undefined || d.similarity === null ? null : Math.round(d.similarity * 1e4) / 1e4,
    personal: {
      images,
      faceIds: ids(d.faceIds),
      personIds: ids(d.personIds),
      externalImageIds: ids(d.externalImageIds),
      userIds: ids(d.userIds),
    },
  };
}

/**
 * Runs one operation and appends exactly one entry, whether it succeeds (outcome 'ok') or fails (the error code).
 * An entry that cannot be written fails the request: an unaudited biometric operation is not acknowledged.
 */
export async function audited<T>(
  recorder: AuditRecorder,
  caller: AuditCaller,
  run: () => Promise<T>,
  describe: (result: T | undefined) => AuditDetails,
): Promise<T> {
  const scope: Scope = { images: [], seen: new WeakSet() };
  let result: T;
  try {
    result = await als.run(scope, run);
  } catch (e) {
    const details = safeDescribe(describe, undefined);
    await recorder.record(draftOf(caller, details, toFacegateError(e).code, scope.images));
    throw e;
  }
  await recorder.record(draftOf(caller, safeDescribe(describe, result), 'ok', scope.images));
  return result;
}

function safeDescribe<T>(describe: (r: T | undefined) => AuditDetails, r: T | undefined): AuditDetails {
  // A describer reads optional shapes; one that throws on an odd result must not hide the operation's own outcome.
  try {
    return describe(r);
  } catch {
    return {};
  }
}
