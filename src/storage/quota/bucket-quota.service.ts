// Storage quotas of user buckets: bytes and objects, defaults from the config (objectStore.bucketQuotaBytes,
// bucketQuotaObjects), overridable per bucket by an admin. Usage is kept in the database (BucketQuotaStore) and
// moved by reservations: a write reserves its delta before the bytes are stored (refused atomically when it would
// pass a limit), a failed write gives it back, a delete gives the object's space back. A bucket is counted from the
// object store the first time it is touched, and recounted on demand, which also repairs any drift (a crash
// between a reservation and its write, two processes overwriting one key at the same moment).
import { FacegateError } from '../../errors.ts';
import type { BucketLimits, BucketQuotaStore, BucketUsage, EffectiveLimits } from './bucket-quota.port.ts';

export interface BucketQuotaOptions {
  store: BucketQuotaStore;
  /** 0 = unlimited. */
  defaults: EffectiveLimits;
  /** Buckets only Facegate's own services write (people photos, door and camera snapshots, S3's catalog). */
  exempt: ReadonlySet<string>;
  /** What the bucket holds, from the object store (plus bytes staged for it, e.g. multipart parts). */
  count: (bucket: string) => Promise<BucketUsage>;
}

export interface QuotaStatus {
  bucket: string;
  /** Limits in force (0 = unlimited) and whether each is the bucket's own or the default. */
  maxBytes: number;
  maxObjects: number;
  own: { maxBytes: boolean; maxObjects: boolean };
  usedBytes: number;
  usedObjects: number;
}

export class BucketQuotas {
  private readonly counting = new Map<string, Promise<void>>();

  constructor(private readonly options: BucketQuotaOptions) {}

  /** Whether writes to this bucket are counted. */
  applies(bucket: string): boolean {
    return !this.options.exempt.has(bucket);
  }

  async limits(bucket: string): Promise<EffectiveLimits> {
    const own = await this.options.store.limits(bucket);
    const d = this.options.defaults;
    return { maxBytes: own?.maxBytes ?? d.maxBytes, maxObjects: own?.maxObjects ?? d.maxObjects };
  }

  async status(bucket: string): Promise<QuotaStatus> {
    this.assertQuotaBucket(bucket);
    await this.counted(bucket);
    const [own, usage] = await Promise.all([this.options.store.limits(bucket), this.options.store.usage(bucket)]);
    const d = this.options.defaults;
    return {
      bucket,
      maxBytes: own?.maxBytes ?? d.maxBytes,
      maxObjects: own?.maxObjects ?? d.maxObjects,
      own: { maxBytes: own?.maxBytes != null, maxObjects: own?.maxObjects != null },
      usedBytes: usage?.bytes ?? 0,
      usedObjects: usage?.objects ?? 0,
    };
  }

  /** An admin's limits for one bucket; null on an axis keeps the default there. Existing objects stay. */
  async setLimits(bucket: string, limits: BucketLimits): Promise<QuotaStatus> {
    this.assertQuotaBucket(bucket);
    const none = limits.maxBytes === null && limits.maxObjects === null;
    await this.options.store.setLimits(bucket, none ? undefined : limits);
    return this.status(bucket);
  }

  /** Counts the bucket again from the object store and replaces the kept usage. */
  async recount(bucket: string): Promise<QuotaStatus> {
    this.assertQuotaBucket(bucket);
    await this.options.store.setUsage(bucket, await this.options.count(bucket));
    return this.status(bucket);
  }

  /** Takes `delta` from the bucket's quota, or BUCKET_QUOTA_EXCEEDED with the limits and usage in `details`. */
  async reserve(bucket: string, delta: BucketUsage): Promise<void> {
    if (!this.applies(bucket)) return;
    await this.counted(bucket);
    const limits = await this.limits(bucket);
    if (await this.options.store.reserve(bucket, delta, limits)) return;
    const used = (await this.options.store.usage(bucket)) ?? { bytes: 0, objects: 0 };
    const objectsFull = delta.objects > 0 && limits.maxObjects > 0 && used.objects + delta.objects > limits.maxObjects;
    throw new FacegateError(
      'BUCKET_QUOTA_EXCEEDED',
      objectsFull
        ? `Bucket ${bucket} holds ${used.objects} of its ${limits.maxObjects} objects`
        : `Bucket ${bucket} holds ${used.bytes} of its ${limits.maxBytes} bytes; this write needs ${delta.bytes} more`,
      {
        details: {
          bucket,
          maxBytes: limits.maxBytes,
          maxObjects: limits.maxObjects,
          usedBytes: used.bytes,
          usedObjects: used.objects,
        },
      },
    );
  }

  /** Gives space back (a delete, a failed write), or corrects a reservation: `delta` is added as it is. */
  async adjust(bucket: string, delta: BucketUsage): Promise<void> {
    if (!this.applies(bucket) || (delta.bytes === 0 && delta.objects === 0)) return;
    await this.counted(bucket);
    await this.options.store.adjust(bucket, delta);
  }

  private assertQuotaBucket(bucket: string): void {
    if (!this.applies(bucket)) {
      throw new FacegateError(
        'INVALID_PARAMETER',
        `Bucket ${bucket} is written by Facegate's services only; it has no quota`,
      );
    }
  }

  /** The first touch of a bucket counts it (once per process at a time; initUsage keeps another process's count). */
  private async counted(bucket: string): Promise<void> {
    if (await this.options.store.usage(bucket)) return;
    let running = this.counting.get(bucket);
    if (!running) {
      running = this.options
        .count(bucket)
        .then((u) => this.options.store.initUsage(bucket, u))
        .finally(() => this.counting.delete(bucket));
      this.counting.set(bucket, running);
    }
    await running;
  }
}
