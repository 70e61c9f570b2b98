// One S3 request as the handlers see it (bucket and key resolved from path- or virtual-host-style addressing, the
// body decoded and verified) and what they answer.
import type { ObjectStore } from '../../storage/object-store.port.ts';
import type { BucketQuotas } from '../../storage/quota/bucket-quota.service.ts';
import { SERVICE_BUCKETS } from '../../storage/service.buckets.ts';
import type { S3Catalog } from './s3.catalog.ts';
import { S3Error } from './s3.errors.ts';

export interface S3Request {
  method: string;
  bucket: string | undefined;
  key: string | undefined;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  trailers: Map<string, string>;
  region: string;
}

export interface S3Response {
  status?: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export interface S3Deps {
  objects: ObjectStore;
  catalog: S3Catalog;
  /** Largest object stored (bytes). */
  maxObjectBytes: number;
  /** Buckets the apps own: readable, never writable through S3 (nor are the service buckets, whatever the config). */
  readOnly: ReadonlySet<string>;
  /** User buckets' storage quotas: multipart parts count for their bucket while staged (objects count in the store). */
  quotas?: BucketQuotas;
  /** Buckets that exist without having been created through S3 (the apps' and the pipelines'). */
  knownBuckets: () => Promise<string[]>;
  /** An object was written (PutObject, CopyObject, CompleteMultipartUpload): starts bound pipelines, notifies. */
  objectCreated: (event: ObjectCreated) => Promise<void>;
}

export interface ObjectCreated {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  /** Unique per write, so one write starts one run. */
  versionId: string;
  eventName: 'ObjectCreated:Put' | 'ObjectCreated:Copy' | 'ObjectCreated:CompleteMultipartUpload';
  region: string;
  principal: string;
}

export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function header(req: S3Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function requireKey(req: S3Request): string {
  if (!req.key) throw new S3Error('InvalidRequest', 'This operation needs an object key');
  return req.key;
}

export function requireWritable(deps: S3Deps, bucket: string): void {
  if (deps.readOnly.has(bucket) || SERVICE_BUCKETS.has(bucket)) {
    throw new S3Error('AccessDenied', `Bucket ${bucket} belongs to a Facegate app and is read-only through S3`);
  }
}

/** S3 writes `Last-Modified` in RFC 1123 and listings in ISO 8601, both at second precision. */
export const httpDate = (d: Date): string => d.toUTCString();
export const isoDate = (d: Date): string => new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString();
