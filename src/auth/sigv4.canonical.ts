// The pieces of AWS Signature Version 4 that every service shares: URI escaping, the canonical request, the string
// to sign and the signing key. Rekognition, STS and S3 differ only in how the path is canonicalised (S3 encodes each
// segment once and never normalises '.'/'..'; every other service normalises and encodes twice) and in which
// query parameter carries a presigned signature (excluded from the canonical query).
import { createHash, createHmac } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
export const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it: everything but A–Z a–z 0–9 - _ . ~ is %XX (upper-case hex). */
export function awsUriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function safeDecode(s: string): string {
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

/** S3's rule: the path as is (no normalisation, empty segments kept), each segment decoded and encoded once. */
export function s3CanonicalPath(rawPath: string): string {
  return rawPath
    .split('/')
    .map((seg) => awsUriEscape(safeDecode(seg)))
    .join('/');
}

/** Sorted, re-encoded `k=v` pairs; `exclude` drops a parameter (X-Amz-Signature of a presigned URL). */
export function canonicalQuery(rawQuery: string, exclude?: string): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const k = eq < 0 ? p : p.slice(0, eq);
      const v = eq < 0 ? '' : p.slice(eq + 1);
      return [awsUriEscape(safeDecode(k)), awsUriEscape(safeDecode(v))] as const;
    })
    .filter(([k]) => k !== exclude);
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export type Headers = Record<string, string | string[] | undefined>;

export function headerValue(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

export interface CanonicalInput {
  method: string;
  url: string;
  headers: Headers;
  signedHeaders: string[];
  payloadHash: string;
  /** S3 path rule (see s3CanonicalPath). */
  s3?: boolean;
  /** Query parameter left out (the presigned signature). */
  excludeQuery?: string;
}

export function canonicalRequestOf(c: CanonicalInput): string {
  const q = c.url.indexOf('?');
  const path = q < 0 ? c.url : c.url.slice(0, q);
  const query = q < 0 ? '' : c.url.slice(q + 1);
  const headerLines = c.signedHeaders.map((name) => {
    const value = headerValue(c.headers, name) ?? '';
    return `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
  });
  return [
    c.method.toUpperCase(),
    c.s3 ? s3CanonicalPath(path) : canonicalPath(path),
    canonicalQuery(query, c.excludeQuery),
    headerLines.join(''),
    c.signedHeaders.join(';'),
    c.payloadHash,
  ].join('\n');
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
}

/** `YYYYMMDDTHHMMSSZ` → Date, or undefined when malformed. */
export function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export const amzDate = (d: Date): string =>
  d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
