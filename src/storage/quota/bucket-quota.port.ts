// The BucketQuotaStore port: per-bucket storage usage (bytes and objects) and the limits an admin set on a bucket.
// Drivers: SQLite (bucket-quota.sqlite.ts, on the deployment database) and Postgres (bucket-quota.pg.ts), so that
// several API processes count one usage per bucket. Both run test/contract/bucket-quota.contract.ts.

export interface BucketUsage {
  /** Bytes as the object store reports them (its list and head sizes). */
  bytes: number;
  objects: number;
}

/** A bucket's own limits; null on an axis = the configured default. 0 = unlimited. */
export interface BucketLimits {
  maxBytes: number | null;
  maxObjects: number | null;
}

/** Limits in force; 0 = unlimited. */
export interface EffectiveLimits {
  maxBytes: number;
  maxObjects: number;
}

export interface BucketQuotaStore {
  /** undefined until the bucket was counted once. */
  usage(bucket: string): Promise<BucketUsage | undefined>;
  /** The first count of a bucket; does nothing when it was counted already (another process may have been first). */
  initUsage(bucket: string, usage: BucketUsage): Promise<void>;
  /** A recount: replaces the counted usage. */
  setUsage(bucket: string, usage: BucketUsage): Promise<void>;
  /**
   * Atomically adds `delta` when, on every axis it grows, the result stays within `limits` (0 = unlimited); an axis
   * that shrinks or stays is never refused. False, and nothing changed, otherwise or when the bucket is not counted.
   */
  reserve(bucket: string, delta: BucketUsage, limits: EffectiveLimits): Promise<boolean>;
  /** Adds `delta` unconditionally (space given back, a reservation corrected). */
  adjust(bucket: string, delta: BucketUsage): Promise<void>;
  /** The bucket's own limits; undefined when it has none. */
  limits(bucket: string): Promise<BucketLimits | undefined>;
  /** undefined removes the bucket's own limits (the defaults apply again). */
  setLimits(bucket: string, limits: BucketLimits | undefined): Promise<void>;
}
