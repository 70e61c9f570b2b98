// AWS Signature Version 4 verification, one core for every service Facegate speaks (rekognition, sts, s3): the
// header form (`Authorization: AWS4-HMAC-SHA256 Credential=…`) and the presigned query form (`X-Amz-Signature=…`,
// X-Amz-Expires), permanent keys and temporary ones (x-amz-security-token, see session.tokens.ts). Any region is
// accepted; the service must match. Error types and messages follow what AWS returns, because the SDKs key their
// behaviour on them (the SDK corrects its clock on a "Signature expired" InvalidSignatureException and retries).
// `details.s3` names the S3 error code for the S3 adapter, which renders the same failures as S3 XML errors.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { FacegateError, type ErrorCode } from '../errors.ts';
import type { KeyRing } from './access.keys.ts';
import {
  ALGORITHM,
  amzDate,
  canonicalRequestOf,
  headerValue,
  parseAmzDate,
  sha256Hex,
  signingKey,
  type Headers,
} from './sigv4.canonical.ts';
import { resolveCredentials } from './session.tokens.ts';

export { awsUriEscape, canonicalPath, canonicalQuery, signingKey } from './sigv4.canonical.ts';

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received on the wire (still percent-encoded). */
  url: string;
  /** Header name (lower case) → value(s), as node gives them. */
  headers: Headers;
  /** The raw body bytes. */
  body: Uint8Array;
}

export interface VerifyOptions {
  service: string;
  now: Date;
  maxClockSkewSeconds: number;
  /** Headers that must be among SignedHeaders besides host (Rekognition: x-amz-target, content-type). */
  requiredSignedHeaders?: readonly string[];
  /** S3 rules: path encoded once, x-amz-content-sha256 required and may be UNSIGNED-PAYLOAD or a streaming mode. */
  s3?: boolean;
  /** Accept the query-string (presigned URL) form. */
  allowPresigned?: boolean;
}

/** How the body is covered: its hash, not at all, or chunk by chunk (see sigv4.chunked.ts). */
export type PayloadMode =
  'hashed' | 'unsigned' | 'streaming-signed' | 'streaming-unsigned-trailer' | 'streaming-signed-trailer';

export interface Verified {
  accessKeyId: string;
  region: string;
  /** The permanent key behind the credentials (itself unless temporary). */
  principal: string;
  temporary: boolean;
  payload: PayloadMode;
  /** What chunk signatures chain from. */
  seed: { key: Buffer; signature: string; amzDate: string; scope: string };
}

const STREAMING: Record<string, PayloadMode> = {
  'UNSIGNED-PAYLOAD': 'unsigned',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': 'streaming-signed',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': 'streaming-unsigned-trailer',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': 'streaming-signed-trailer',
};

export function authError(code: ErrorCode, message: string, s3?: string): FacegateError {
  return new FacegateError(code, message, s3 ? { details: { s3 } } : undefined);
}
const incomplete = (message: string) => authError('INCOMPLETE_SIGNATURE', message, 'AuthorizationHeaderMalformed');

interface Parts {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

function parseCredential(credential: string, signedHeaders: string, signature: string): Parts {
  const c = credential.split('/');
  if (c.length !== 5 || c.some((x) => x === '')) {
    throw incomplete(
      "Authorization header requires a Credential of the form '<AccessKeyId>/<date>/<region>/<service>/aws4_request'.",
    );
  }
  const [accessKeyId, date, region, service, terminator] = c as [string, string, string, string, string];
  return { accessKeyId, date, region, service, terminator, signedHeaders: signedHeaders.split(';'), signature };
}

export function parseAuthorization(value: string): Parts {
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw incomplete(`Unsupported authorization type: only ${ALGORITHM} (Signature Version 4) is accepted`);
  }
  const fields = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  for (const name of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!fields.get(name)) throw incomplete(`Authorization header requires '${name}' parameter.`);
  }
  return parseCredential(fields.get('Credential')!, fields.get('SignedHeaders')!, fields.get('Signature')!);
}

/** The presigned URL's parameters, or undefined when the query carries none. */
function presignedParams(url: string): URLSearchParams | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  const params = new URLSearchParams(url.slice(q + 1));
  return params.has('X-Amz-Signature') || params.has('X-Amz-Algorithm') ? params : undefined;
}

/** True when the request carries SigV4 material in its headers or query (used to keep `/` from serving HTML to it). */
export function looksSigned(req: Pick<SignedRequest, 'url' | 'headers'>): boolean {
  return (
    presignedParams(req.url) !== undefined ||
    /[?&](X-Amz-[A-Za-z-]+|Action|AWSAccessKeyId)=/.test(req.url) ||
    ['authorization', 'x-amz-date', 'x-amz-target', 'x-amz-security-token', 'x-amz-content-sha256'].some(
      (h) => req.headers[h] !== undefined,
    )
  );
}

function checkClock(signedAt: Date, signedAtText: string, options: VerifyOptions): void {
  const skewMs = options.maxClockSkewSeconds * 1000;
  const minutes = `${Math.round(options.maxClockSkewSeconds / 60)} min.`;
  const now = options.now.getTime();
  if (signedAt.getTime() < now - skewMs) {
    throw authError(
      'INVALID_SIGNATURE',
      `Signature expired: ${signedAtText} is now earlier than ${amzDate(new Date(now - skewMs))} ` +
        `(${amzDate(options.now)} - ${minutes})`,
      'RequestTimeTooSkewed',
    );
  }
  if (signedAt.getTime() > now + skewMs) {
    throw authError(
      'INVALID_SIGNATURE',
      `Signature not yet current: ${signedAtText} is still later than ${amzDate(new Date(now + skewMs))} ` +
        `(${amzDate(options.now)} + ${minutes})`,
      'RequestTimeTooSkewed',
    );
  }
}

function checkPresignedWindow(signedAt: Date, expiresText: string | null, options: VerifyOptions): void {
  const expires = Number(expiresText);
  if (!expiresText || !Number.isInteger(expires) || expires < 1 || expires > 604_800) {
    throw authError(
      'INCOMPLETE_SIGNATURE',
      'X-Amz-Expires must be an integer number of seconds between 1 and 604800',
      'AuthorizationQueryParametersError',
    );
  }
  const now = options.now.getTime();
  if (now > signedAt.getTime() + expires * 1000)
    throw authError('ACCESS_DENIED', 'Request has expired', 'AccessDenied');
  if (signedAt.getTime() > now + options.maxClockSkewSeconds * 1000) {
    throw authError('ACCESS_DENIED', 'Request is not yet valid', 'AccessDenied');
  }
}

/** Verifies the request's signature; returns who signed it and how the body is covered, or throws the AWS error. */
export function verifySigV4(req: SignedRequest, keys: KeyRing, options: VerifyOptions): Verified {
  const authorization = headerValue(req.headers, 'authorization');
  const presigned = authorization === undefined && options.allowPresigned ? presignedParams(req.url) : undefined;
  let auth: Parts;
  let signedAtText: string | undefined;
  let token = headerValue(req.headers, 'x-amz-security-token');
  if (presigned) {
    if (presigned.get('X-Amz-Algorithm') !== ALGORITHM) {
      throw incomplete(`X-Amz-Algorithm must be ${ALGORITHM}`);
    }
    const need = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];
    const missing = need.filter((n) => !presigned.get(n));
    if (missing.length) throw incomplete(`Query-string authentication requires ${missing.join(', ')}`);
    auth = parseCredential(
      presigned.get('X-Amz-Credential')!,
      presigned.get('X-Amz-SignedHeaders')!,
      presigned.get('X-Amz-Signature')!,
    );
    signedAtText = presigned.get('X-Amz-Date')!;
    token = presigned.get('X-Amz-Security-Token') ?? token;
  } else {
    if (!authorization) {
      throw authError('MISSING_AUTHENTICATION', 'Request is missing Authentication Token', 'AccessDenied');
    }
    auth = parseAuthorization(authorization);
    signedAtText = headerValue(req.headers, 'x-amz-date');
    if (!signedAtText) throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' header.");
  }
  const signedAt = parseAmzDate(signedAtText);
  if (!signedAt) throw incomplete(`X-Amz-Date must be in the ISO8601 basic format (got '${signedAtText}').`);
  const required = ['host', ...(presigned ? [] : ['x-amz-date']), ...(options.requiredSignedHeaders ?? [])];
  // The Host must always be signed; for Rekognition also the date, the operation and the content type, so that a
  // captured request cannot be replayed as another operation.
  if (!auth.signedHeaders.includes('host')) {
    throw authError('INVALID_SIGNATURE', "'Host' must be a signed header.", 'AccessDenied');
  }
  for (const h of required) {
    if (req.headers[h] !== undefined && !auth.signedHeaders.includes(h)) {
      throw authError('INVALID_SIGNATURE', `'${h}' must be a signed header.`, 'AccessDenied');
    }
  }
  const creds = resolveCredentials(keys, auth.accessKeyId, token, options.now);
  if (auth.terminator !== 'aws4_request') {
    throw incomplete("Credential should be scoped with a valid terminator: 'aws4_request'.");
  }
  if (auth.service !== options.service) {
    throw authError(
      'INVALID_SIGNATURE',
      `Credential should be scoped to correct service: '${options.service}'.`,
      'AuthorizationHeaderMalformed',
    );
  }
  if (auth.date !== signedAtText.slice(0, 8)) {
    throw incomplete(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${signedAtText.slice(0, 8)}'`,
    );
  }
  if (presigned) checkPresignedWindow(signedAt, presigned.get('X-Amz-Expires'), options);
  else checkClock(signedAt, signedAtText, options);

  const { payloadHash, payload } = payloadOf(req, options, presigned);
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const canonical = canonicalRequestOf({
    method: req.method,
    url: req.url,
    headers: req.headers,
    signedHeaders: auth.signedHeaders,
    payloadHash,
    s3: options.s3 === true,
    ...(presigned ? { excludeQuery: 'X-Amz-Signature' } : {}),
  });
  const stringToSign = [ALGORITHM, signedAtText, scope, sha256Hex(canonical)].join('\n');
  const key = signingKey(creds.secretAccessKey, auth.date, auth.region, auth.service);
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = /^[0-9a-f]{64}$/.test(auth.signature) ? Buffer.from(auth.signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw authError(
      'INVALID_SIGNATURE',
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      'SignatureDoesNotMatch',
    );
  }
  return {
    accessKeyId: creds.accessKeyId,
    region: auth.region,
    principal: creds.principal,
    temporary: creds.temporary,
    payload,
    seed: { key, signature: auth.signature, amzDate: signedAtText, scope },
  };
}

function payloadOf(
  req: SignedRequest,
  options: VerifyOptions,
  presigned: URLSearchParams | undefined,
): { payloadHash: string; payload: PayloadMode } {
  const declared = presigned
    ? (presigned.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD')
    : headerValue(req.headers, 'x-amz-content-sha256');
  if (options.s3) {
    if (declared === undefined) {
      throw authError(
        'INVALID_SIGNATURE',
        'Missing required header for this request: x-amz-content-sha256',
        'InvalidRequest',
      );
    }
    const mode = STREAMING[declared];
    if (mode) return { payloadHash: declared, payload: mode };
  }
  const bodyHash = sha256Hex(req.body);
  // A client may declare the payload hash; it must then be the real one (no UNSIGNED-PAYLOAD on a JSON API).
  if (declared !== undefined && declared !== bodyHash) {
    throw authError(
      'INVALID_SIGNATURE',
      'The provided x-amz-content-sha256 header does not match the body.',
      'XAmzContentSHA256Mismatch',
    );
  }
  return { payloadHash: bodyHash, payload: 'hashed' };
}
