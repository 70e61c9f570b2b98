// Bucket and key rules shared by every ObjectStore driver, so a name valid on one deployment is valid on all:
// buckets as S3's (3–63 of [a-z0-9.-], no ".."); keys non-empty, ≤ 1024 UTF-8 bytes, no NUL, no empty segment.
import { FacegateError } from '../errors.ts';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const MAX_KEY_BYTES = 1024;

export function checkBucket(bucket: string): void {
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new FacegateError('INVALID_PARAMETER', `Invalid bucket name: ${JSON.stringify(bucket)}`);
  }
}

/** Returns the key's segments. */
export function checkKey(key: string): string[] {
  const segments = key.split('/');
  if (
    key.length === 0 ||
    Buffer.byteLength(key) > MAX_KEY_BYTES ||
    key.includes('\0') ||
    segments.some((s) => s.length === 0)
  ) {
    throw new FacegateError('INVALID_PARAMETER', 'Invalid object key (empty, too long, NUL or an empty segment)');
  }
  return segments;
}

/** S3's order: byte order of UTF-8. */
export const byteCompare = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
