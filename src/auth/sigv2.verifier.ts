// S3's legacy Signature Version 2, for the requests aws-sdk v2 still makes with it: presigned URLs from
// `s3.getSignedUrl()` when no signatureVersion is configured (`?AWSAccessKeyId=…&Expires=…&Signature=…`) and the
// `Authorization: AWS <id>:<signature>` header. HMAC-SHA1 over method, Content-MD5, Content-Type, date or expiry,
// the x-amz-* headers and the resource with its sub-resources. It never covers the body (Content-MD5 does, when sent).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from './access.keys.ts';
import { headerValue, type Headers } from './sigv4.canonical.ts';
import { authError, type Verified } from './sigv4.verifier.ts';
import { resolveCredentials } from './session.tokens.ts';

const SUBRESOURCES = new Set([
  'acl',
  'delete',
  'lifecycle',
  'location',
  'logging',
  'notification',
  'partNumber',
  'policy',
  'requestPayment',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
  'response-content-type',
  'response-content-language',
  'response-expires',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
]);

export function isSigV2(url: string, headers: Headers): boolean {
  const auth = headerValue(headers, 'authorization');
  if (auth !== undefined) return auth.startsWith('AWS ');
  return /[?&]AWSAccessKeyId=/.test(url) && /[?&]Signature=/.test(url);
}

/** `bucket` is set for virtual-hosted requests, whose path does not name it. */
export function verifySigV2(
  req: { method: string; url: string; headers: Headers },
  keys: KeyRing,
  o: { now: Date; maxClockSkewSeconds: number; virtualBucket?: string },
): Verified {
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
  const auth = headerValue(req.headers, 'authorization');
  let accessKeyId: string;
  let signature: string;
  let when: string;
  if (auth) {
    const m = /^AWS ([^:]+):(.+)$/.exec(auth);
    if (!m)
      throw authError('INCOMPLETE_SIGNATURE', 'Malformed AWS Authorization header', 'AuthorizationHeaderMalformed');
    [accessKeyId, signature] = [m[1]!, m[2]!];
    const date = headerValue(req.headers, 'x-amz-date') ?? headerValue(req.headers, 'date');
    const t = date ? Date.parse(date) : NaN;
    if (!Number.isFinite(t) || Math.abs(t - o.now.getTime()) > o.maxClockSkewSeconds * 1000) {
      throw authError(
        'INVALID_SIGNATURE',
        'The difference between the request time and the current time is too large.',
        'RequestTimeTooSkewed',
      );
    }
    when = headerValue(req.headers, 'x-amz-date') !== undefined ? '' : date!;
  } else {
    accessKeyId = query.get('AWSAccessKeyId') ?? '';
    signature = query.get('Signature') ?? '';
    when = query.get('Expires') ?? '';
    if (!/^\d{1,12}$/.test(when)) throw authError('ACCESS_DENIED', 'Invalid Expires', 'AccessDenied');
    if (Number(when) * 1000 < o.now.getTime()) throw authError('ACCESS_DENIED', 'Request has expired', 'AccessDenied');
  }
  const token = headerValue(req.headers, 'x-amz-security-token') ?? query.get('x-amz-security-token') ?? undefined;
  const creds = resolveCredentials(keys, accessKeyId, token, o.now);
  const amz = Object.keys(req.headers)
    .filter((h) => h.startsWith('x-amz-'))
    .sort()
    .map((h) => `${h}:${(headerValue(req.headers, h) ?? '').trim()}\n`);
  if (!auth && token && !req.headers['x-amz-security-token']) amz.push(`x-amz-security-token:${token}\n`);
  const subs = [...query.entries()]
    .filter(([k]) => SUBRESOURCES.has(k))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  const resource = (o.virtualBucket ? `/${o.virtualBucket}` : '') + rawPath + (subs.length ? `?${subs.join('&')}` : '');
  const stringToSign = [
    req.method.toUpperCase(),
    headerValue(req.headers, 'content-md5') ?? '',
    headerValue(req.headers, 'content-type') ?? '',
    when,
    amz.sort().join('') + resource,
  ].join('\n');
  const expected = createHmac('sha1', creds.secretAccessKey).update(stringToSign).digest();
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw authError(
      'INVALID_SIGNATURE',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      'SignatureDoesNotMatch',
    );
  }
  return {
    accessKeyId: creds.accessKeyId,
    region: 'us-east-1',
    principal: creds.principal,
    temporary: creds.temporary,
    payload: 'unsigned',
    seed: { key: Buffer.alloc(0), signature: '', amzDate: '', scope: '' },
  };
}
