// The ObjectStore port: images and thumbnails as objects in buckets (S3's model). Drivers: a local directory
// (local.object-store.driver.ts, embedded default) and S3-compatible (s3.object-store.driver.ts). Every driver runs
// test/contract/object-store.contract.ts.

export interface ObjectInfo {
  bucket: string;
  key: string;
  /** Bytes. */
  size: number;
  lastModified: Date;
  /** The store's own content tag where it keeps one (S3's ETag, quotes removed); absent on the local directory. */
  etag?: string;
}

export interface ListObjectsOptions {
  prefix?: string;
  /** Keys strictly after this one (S3's StartAfter). */
  startAfter?: string;
  /** Default and maximum 1000. */
  limit?: number;
}

export interface ListObjectsResult {
  /** Ordered by key (byte order of UTF-8, as S3). */
  objects: ObjectInfo[];
  /** Pass as startAfter to continue; absent on the last page. */
  nextStartAfter?: string;
}

export interface ObjectStore {
  /** Atomic: readers see the old object or the new one, never a part. Creates the bucket when needed. */
  put(bucket: string, key: string, body: Uint8Array): Promise<ObjectInfo>;
  /** undefined when the object does not exist. */
  get(bucket: string, key: string): Promise<{ body: Uint8Array; info: ObjectInfo } | undefined>;
  head(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  /** True when an object was deleted. */
  delete(bucket: string, key: string): Promise<boolean>;
  list(bucket: string, options?: ListObjectsOptions): Promise<ListObjectsResult>;
}
