// AWS Signature Version 4 verification (header form, `Authorization: AWS4-HMAC-SHA256 Credential=…`), as the AWS
// SDKs and CLI sign: canonical request = method, canonical URI, canonical query, the SignedHeaders' canonical
// values, the payload hash; string to sign = algorithm, X-Amz-Date, scope, hash(canonical request); the signature is
// an HMAC chain over date/region/service/aws4_request. Any region is accepted; the service must match. Error types and
// messages follow what AWS returns, because the SDK keys its behaviour on them (it corrects its clock on a
// "Signature expired" InvalidSignatureException by reading our Date header and retries).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { FacegateError } from '../errors.ts';
import type { KeyRing } from './access.keys.ts';

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received on the wire (still percent-encoded). */
  url: string;
  /** Header name (any case) → value(s), as node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body bytes. */
  body: Uint8Array;
}

export interface VerifyOptions {
  service: string;
  now: Date;
  maxClockSkewSeconds: number;
}

export interface Verified {
  accessKeyId: string;
  region: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it: everything but A–Z a–z 0–9 - _ . ~ is %XX (upper-case hex). */
export function awsUriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Normalised path (no empty, '.' or '..' segments), each segment encoded once more than on the wire (non-S3 rule). */
export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const seg of rawPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(awsUriEscape(seg));
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return '/' + segments.join('/') + trailing;
}

export function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const k = eq < 0 ? p : p.slice(0, eq);
      const v = eq < 0 ? '' : p.slice(eq + 1);
      return [awsUriEscape(safeDecode(k)), awsUriEscape(safeDecode(v))] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

interface AuthorizationParts {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

function incomplete(message: string): FacegateError {
  return new FacegateError('INCOMPLETE_SIGNATURE', message);
}

export function parseAuthorization(value: string): AuthorizationParts {
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
  const credential = fields.get('Credential')!.split('/');
  if (credential.length !== 5 || credential.some((c) => c === '')) {
    throw incomplete(
      "Authorization header requires a Credential of the form '<AccessKeyId>/<date>/<region>/<service>/aws4_request'.",
    );
  }
  const [accessKeyId, date, region, service, terminator] = credential as [string, string, string, string, string];
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    signedHeaders: fields.get('SignedHeaders')!.split(';'),
    signature: fields.get('Signature')!,
  };
}

/** `YYYYMMDDTHHMMSSZ` → Date, or undefined when malformed. */
function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const amzDate = (d: Date): string =>
  d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');

function checkClock(signedAt: Date, signedAtText: string, options: VerifyOptions): void {
  const skewMs = options.maxClockSkewSeconds * 1000;
  const minutes = `${Math.round(options.maxClockSkewSeconds / 60)} min.`;
  const now = options.now.getTime();
  if (signedAt.getTime() < now - skewMs) {
    throw new FacegateError(
      'INVALID_SIGNATURE',
      `Signature expired: ${signedAtText} is now earlier than ${amzDate(new Date(now - skewMs))} ` +
        `(${amzDate(options.now)} - ${minutes})`,
    );
  }
  if (signedAt.getTime() > now + skewMs) {
    throw new FacegateError(
      'INVALID_SIGNATURE',
      `Signature not yet current: ${signedAtText} is still later than ${amzDate(new Date(now + skewMs))} ` +
        `(${amzDate(options.now)} + ${minutes})`,
    );
  }
}

export function canonicalRequest(req: SignedRequest, signedHeaders: string[], payloadHash: string): string {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  const headerLines = signedHeaders.map((name) => {
    const value = headerValue(req.headers, name) ?? '';
    return `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
  });
  return [
    req.method.toUpperCase(),
    canonicalPath(path),
    canonicalQuery(query),
    headerLines.join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
}

/** Verifies the request's signature against the key ring; returns who signed it or throws the AWS-style error. */
export function verifySigV4(req: SignedRequest, keys: KeyRing, options: VerifyOptions): Verified {
  const authorization = headerValue(req.headers, 'authorization');
  if (!authorization) {
    throw new FacegateError('MISSING_AUTHENTICATION', 'Request is missing Authentication Token');
  }
  const auth = parseAuthorization(authorization);
  const signedAtText = headerValue(req.headers, 'x-amz-date');
  if (!signedAtText) throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' header.");
  const signedAt = parseAmzDate(signedAtText);
  if (!signedAt) throw incomplete(`X-Amz-Date must be in the ISO8601 basic format (got '${signedAtText}').`);
  if (!auth.signedHeaders.includes('host')) {
    throw new FacegateError('INVALID_SIGNATURE', "'Host' must be a signed header.");
  }
  const key = keys.find(auth.accessKeyId);
  if (!key) throw new FacegateError('UNAUTHENTICATED', 'The security token included in the request is invalid.');
  if (auth.terminator !== 'aws4_request') {
    throw new FacegateError(
      'INVALID_SIGNATURE',
      "Credential should be scoped with a valid terminator: 'aws4_request'.",
    );
  }
  if (auth.service !== options.service) {
    throw new FacegateError(
      'INVALID_SIGNATURE',
      `Credential should be scoped to correct service: '${options.service}'.`,
    );
  }
  if (auth.date !== signedAtText.slice(0, 8)) {
    throw new FacegateError(
      'INVALID_SIGNATURE',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${signedAtText.slice(0, 8)}'`,
    );
  }
  checkClock(signedAt, signedAtText, options);

  const declaredHash = headerValue(req.headers, 'x-amz-content-sha256');
  const bodyHash = sha256Hex(req.body);
  // A client may declare the payload hash; it must then be the real one (no UNSIGNED-PAYLOAD on a JSON API).
  if (declaredHash !== undefined && declaredHash !== bodyHash) {
    throw new FacegateError('INVALID_SIGNATURE', 'The provided x-amz-content-sha256 header does not match the body.');
  }
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [
    ALGORITHM,
    signedAtText,
    scope,
    sha256Hex(canonicalRequest(req, auth.signedHeaders, bodyHash)),
  ].join('\n');
  const expected = createHmac('sha256', signingKey(key.secretAccessKey, auth.date, auth.region, auth.service))
    .update(stringToSign)
    .digest();
  const given = /^[0-9a-f]{64}$/.test(auth.signature) ? Buffer.from(auth.signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new FacegateError(
      'INVALID_SIGNATURE',
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { accessKeyId: key.accessKeyId, region: auth.region };
}
