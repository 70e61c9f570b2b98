// ObjectStore on an S3-compatible service (AWS S3, MinIO, R2, Facegate's own S3 endpoint) through @aws-sdk/client-s3.
// Facegate's buckets are key prefixes inside ONE configured bucket: object (b, k) is stored at `<prefix><b>/<k>`, so
// a deployment needs one bucket and one set of credentials, and buckets need no creation. Names follow the same rules
// as every driver (object.names.ts). S3 PUT is atomic (readers see the old or the new object). DELETE in S3 does
// not say whether the object existed, so delete asks HEAD first: under a concurrent delete both callers may see true.
// Key segments "." and ".." are stored as "%2E" / "%2E%2E" (and "%" as "%25"): HTTP path normalisation would
// otherwise turn "photos/../x" into "x", outside its bucket's prefix. Keys containing "%" or such segments therefore
// list in the order of their stored form. Listing uses ListObjects (v1): its Marker is exactly the port's startAfter,
// with no continuation-token state.
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { FacegateError } from '../errors.ts';
import { checkBucket, checkKey } from './object.names.ts';
import type { ListObjectsOptions, ListObjectsResult, ObjectInfo, ObjectStore } from './object-store.port.ts';

export interface S3ObjectStoreOptions {
  /** e.g. http://minio:9000; absent for AWS S3 itself. */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** http://host/bucket/key instead of http://bucket.host/key (MinIO, s3rver and most self-hosted servers). */
  forcePathStyle: boolean;
  /** Prepended to every key, e.g. "facegate/" to share a bucket with other data. */
  prefix?: string;
}

const isMissing = (e: unknown): boolean =>
  e instanceof S3ServiceException &&
  (e.name === 'NoSuchKey' || e.name === 'NotFound' || e.name === 'NoSuchBucket' || e.$metadata.httpStatusCode === 404);

export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly root: string;

  constructor(private readonly opts: S3ObjectStoreOptions) {
    this.client = new S3Client({
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.accessKeyId && opts.secretAccessKey
        ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } }
        : {}),
    });
    this.root = opts.prefix ?? '';
  }

  /** Checks that the configured bucket is reachable, creating it when it does not exist yet. */
  static async open(opts: S3ObjectStoreOptions): Promise<S3ObjectStore> {
    const store = new S3ObjectStore(opts);
    try {
      await store.client.send(new HeadBucketCommand({ Bucket: opts.bucket }));
    } catch (e) {
      if (!isMissing(e)) {
        throw new FacegateError('NOT_READY', `S3 bucket ${opts.bucket} is not reachable: ${(e as Error).message}`, {
          cause: e,
        });
      }
      await store.client.send(new CreateBucketCommand({ Bucket: opts.bucket }));
    }
    return store;
  }

  async put(bucket: string, key: string, body: Uint8Array): Promise<ObjectInfo> {
    const Key = this.keyOf(bucket, key);
    await this.client.send(new PutObjectCommand({ Bucket: this.opts.bucket, Key, Body: body })).catch((e: unknown) => {
      throw this.failure('put', e);
    });
    return { bucket, key, size: body.byteLength, lastModified: new Date() };
  }

  async get(bucket: string, key: string): Promise<{ body: Uint8Array; info: ObjectInfo } | undefined> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.keyOf(bucket, key) }),
      );
      const body = res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
      return { body, info: { bucket, key, size: body.byteLength, lastModified: res.LastModified ?? new Date(0) } };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw this.failure('get', e);
    }
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const res = await this.client.send(
        new HeadObjectCommand({ Bucket: this.opts.bucket, Key: this.keyOf(bucket, key) }),
      );
      return {
        bucket,
        key,
        size: res.ContentLength ?? 0,
        lastModified: res.LastModified ?? new Date(0),
        ...etagOf(res.ETag),
      };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw this.failure('head', e);
    }
  }

  async delete(bucket: string, key: string): Promise<boolean> {
    if (!(await this.head(bucket, key))) return false;
    const Key = this.keyOf(bucket, key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key })).catch((e: unknown) => {
      throw this.failure('delete', e);
    });
    return true;
  }

  async list(bucket: string, options: ListObjectsOptions = {}): Promise<ListObjectsResult> {
    checkBucket(bucket);
    const limit = Math.min(Math.max(options.limit ?? 1000, 1), 1000);
    const base = `${this.root}${bucket}/`;
    const prefix = options.prefix ?? '';
    // A prefix ending in a partial "." or ".." may match an escaped dot segment or a plain name ('.hidden'):
    // list from the last whole segment and filter here.
    const cut = prefix.lastIndexOf('/') + 1;
    const tail = prefix.slice(cut);
    const exact = tail !== '.' && tail !== '..';
    const serverPrefix = base + (exact ? encodeKey(prefix) : encodeKey(prefix.slice(0, cut)));
    const objects: ObjectInfo[] = [];
    let marker = options.startAfter !== undefined ? base + encodeKey(options.startAfter) : undefined;
    for (;;) {
      const res = await this.client
        .send(
          new ListObjectsCommand({
            Bucket: this.opts.bucket,
            Prefix: serverPrefix,
            MaxKeys: limit + 1 - objects.length,
            ...(marker !== undefined ? { Marker: marker } : {}),
          }),
        )
        .catch((e: unknown) => {
          throw this.failure('list', e);
        });
      for (const o of res.Contents ?? []) {
        const key = decodeKey(o.Key!.slice(base.length));
        if (exact || key.startsWith(prefix)) {
          objects.push({
            bucket,
            key,
            size: o.Size ?? 0,
            lastModified: o.LastModified ?? new Date(0),
            ...etagOf(o.ETag),
          });
        }
      }
      const last = res.Contents?.[res.Contents.length - 1]?.Key;
      if (objects.length > limit || !res.IsTruncated || last === undefined) break;
      marker = last;
    }
    const page = objects.slice(0, limit);
    return objects.length > limit ? { objects: page, nextStartAfter: page[page.length - 1]!.key } : { objects: page };
  }

  close(): void {
    this.client.destroy();
  }

  private keyOf(bucket: string, key: string): string {
    checkBucket(bucket);
    checkKey(key);
    return `${this.root}${bucket}/${encodeKey(key)}`;
  }

  /** An S3 failure the caller cannot act on: named, with the cause kept (never the credentials). */
  private failure(op: string, e: unknown): Error {
    if (e instanceof FacegateError) return e;
    return new FacegateError('INTERNAL', `S3 ${op} on bucket ${this.opts.bucket} failed: ${(e as Error).name}`, {
      cause: e,
    });
  }
}

const etagOf = (etag: string | undefined): { etag?: string } =>
  etag ? { etag: etag.replace(/^(W\/)?"|"$/g, '') } : {};

/** "%" → "%25"; a segment "." or ".." → "%2E" / "%2E%2E". Reversible; the identity on ordinary keys. */
export function encodeKey(key: string): string {
  return key
    .split('/')
    .map((seg) => (seg === '.' || seg === '..' ? seg.replaceAll('.', '%2E') : seg.replaceAll('%', '%25')))
    .join('/');
}

export function decodeKey(stored: string): string {
  return stored.replace(/%(25|2E)/g, (_, code: string) => (code === '25' ? '%' : '.'));
}
