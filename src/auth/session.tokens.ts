// Temporary credentials (STS GetSessionToken / AssumeRole), stateless: the session token carries the temporary key
// id, the permanent key that issued it, the expiry and the role, MAC'd with that permanent key's secret; the
// temporary secret is derived from the same secret and the token. Nothing is stored, so issued credentials survive a
// restart, and removing (or rotating) the permanent key revokes every session it issued.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { FacegateError } from '../errors.ts';
import type { AccessKey, KeyRing } from './access.keys.ts';

export interface IssuedSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  /** Set for AssumeRole: the role's ARN and the session name. */
  role?: { arn: string; sessionName: string };
}

/** Who a request was signed by, once its credentials are resolved. */
export interface ResolvedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** The permanent key behind it (itself for a permanent key). */
  principal: string;
  temporary: boolean;
}

const TOKEN_PREFIX = 'FGS1.';
const payloadSchema = z.object({
  k: z.string(),
  p: z.string(),
  /** Expiry, epoch seconds. */
  e: z.number().int(),
  r: z.object({ arn: z.string(), sessionName: z.string() }).optional(),
});
type Payload = z.infer<typeof payloadSchema>;

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
const mac = (secret: string, purpose: string, data: string): Buffer =>
  createHmac('sha256', secret).update(`facegate-sts-${purpose}\n${data}`).digest();

/** Temporary key ids look like AWS's (ASIA…) but say Facegate: ASFG + 16 base32 characters. */
const TEMP_ID = /^ASFG[A-Z2-7]{16}$/;
export const isTemporaryKeyId = (id: string): boolean => TEMP_ID.test(id);

function newTempId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return 'ASFG' + [...randomBytes(16)].map((b) => alphabet[b % 32]).join('');
}

function secretFor(parent: AccessKey, body: string): string {
  return mac(parent.secretAccessKey, 'secret', body).toString('base64').slice(0, 40);
}

export function issueSession(
  parent: AccessKey,
  durationSeconds: number,
  now: Date,
  role?: IssuedSession['role'],
): IssuedSession {
  const expiration = new Date(Math.floor(now.getTime() / 1000 + durationSeconds) * 1000);
  const payload: Payload = {
    k: newTempId(),
    p: parent.accessKeyId,
    e: expiration.getTime() / 1000,
    ...(role ? { r: role } : {}),
  };
  const body = b64url(JSON.stringify(payload));
  const sessionToken = `${TOKEN_PREFIX}${body}.${b64url(mac(parent.secretAccessKey, 'token', body))}`;
  return {
    accessKeyId: payload.k,
    secretAccessKey: secretFor(parent, body),
    sessionToken,
    expiration,
    ...(role ? { role } : {}),
  };
}

const invalid = () => new FacegateError('UNAUTHENTICATED', 'The security token included in the request is invalid.');

/**
 * The secret to verify a signature with. A permanent key must come without a session token; a temporary key with
 * the token it was issued with, unexpired. Refusals use the SDKs' error types (UnrecognizedClientException,
 * ExpiredTokenException); the S3 adapter renders them as InvalidAccessKeyId / InvalidToken / ExpiredToken.
 */
export function resolveCredentials(
  keys: KeyRing,
  accessKeyId: string,
  sessionToken: string | undefined,
  now: Date,
): ResolvedCredentials {
  if (sessionToken === undefined || sessionToken === '') {
    const key = keys.find(accessKeyId);
    if (!key) throw invalid();
    return { ...key, principal: key.accessKeyId, temporary: false };
  }
  const parts = sessionToken.startsWith(TOKEN_PREFIX) ? sessionToken.slice(TOKEN_PREFIX.length).split('.') : [];
  if (parts.length !== 2) throw invalid();
  const [body, sig] = parts as [string, string];
  let payload: Payload;
  try {
    payload = payloadSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
  } catch {
    throw invalid();
  }
  const parent = keys.find(payload.p);
  if (!parent || payload.k !== accessKeyId) throw invalid();
  const expected = mac(parent.secretAccessKey, 'token', body);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  if (payload.e * 1000 <= now.getTime()) {
    throw new FacegateError('EXPIRED_TOKEN', 'The security token included in the request is expired');
  }
  return {
    accessKeyId,
    secretAccessKey: secretFor(parent, body),
    principal: parent.accessKeyId,
    temporary: true,
  };
}
