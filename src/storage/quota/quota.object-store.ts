// The ObjectStore with bucket quotas: every writer of a user bucket (the S3 endpoint, the REST bucket API, pipeline
// uploads and their thumbnails, watched directories) goes through here, so usage counts what the bucket holds.
// A write reserves (new size − old size, +1 object when the key is new) before storing, and corrects by what the store
// reports after; a delete gives back what the object held. Writes of one key are serialised in this process so that
// an overwrite's delta is measured against the object it replaces.
import type { ListObjectsOptions, ObjectInfo, ObjectStore } from '../object-store.port.ts';
import type { BucketUsage } from './bucket-quota.port.ts';
import type { BucketQuotas } from './bucket-quota.service.ts';

/** Every object of a bucket, summed from the store's listing. */
export async function countBucket(store: ObjectStore, bucket: string): Promise<BucketUsage> {
  let bytes = 0;
  let objects = 0;
  let startAfter: string | undefined;
  for (;;) {
    const page = await store.list(bucket, startAfter ? { startAfter } : {});
    for (const o of page.objects) {
      bytes += o.size;
      objects++;
    }
    if (!page.nextStartAfter) return { bytes, objects };
    startAfter = page.nextStartAfter;
  }
}

export class QuotaObjectStore implements ObjectStore {
  private readonly writing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly inner: ObjectStore,
    readonly quotas: BucketQuotas,
  ) {}

  put(bucket: string, key: string, body: Uint8Array): Promise<ObjectInfo> {
    if (!this.quotas.applies(bucket)) return this.inner.put(bucket, key, body);
    return this.serial(bucket, key, async () => {
      const old = await this.inner.head(bucket, key);
      const delta = { bytes: body.byteLength - (old?.size ?? 0), objects: old ? 0 : 1 };
      await this.quotas.reserve(bucket, delta);
      let info: ObjectInfo;
      try {
        info = await this.inner.put(bucket, key, body);
      } catch (e) {
        await this.quotas.adjust(bucket, { bytes: -delta.bytes, objects: -delta.objects }).catch(() => undefined);
        throw e;
      }
      // The store may keep more than the body (an encryption envelope): count what it reports, as a recount would.
      await this.quotas.adjust(bucket, { bytes: info.size - body.byteLength, objects: 0 });
      return info;
    });
  }

  get(bucket: string, key: string) {
    return this.inner.get(bucket, key);
  }

  head(bucket: string, key: string) {
    return this.inner.head(bucket, key);
  }

  delete(bucket: string, key: string): Promise<boolean> {
    if (!this.quotas.applies(bucket)) return this.inner.delete(bucket, key);
    return this.serial(bucket, key, async () => {
      const old = await this.inner.head(bucket, key);
      const deleted = await this.inner.delete(bucket, key);
      if (deleted && old) await this.quotas.adjust(bucket, { bytes: -old.size, objects: -1 });
      return deleted;
    });
  }

  list(bucket: string, options?: ListObjectsOptions) {
    return this.inner.list(bucket, options);
  }

  /** Runs `work` after every earlier write of the same key in this process has finished. */
  private async serial<T>(bucket: string, key: string, work: () => Promise<T>): Promise<T> {
    const id = `${bucket}\u0000${key}`;
    const before = this.writing.get(id) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    this.writing.set(id, mine);
    try {
      return await mine;
    } finally {
      if (this.writing.get(id) === mine) this.writing.delete(id);
    }
  }
}
