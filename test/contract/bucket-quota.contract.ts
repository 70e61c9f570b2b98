// The BucketQuotaStore contract: every driver keeps usage and limits the same way, and reserving is all-or-nothing
// against the limits (0 = unlimited), also when many reservations race for the last bytes.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { BucketQuotaStore } from '../../src/storage/quota/bucket-quota.port.ts';

export function bucketQuotaStoreContract(
  name: string,
  open: () => Promise<{ store: BucketQuotaStore; close: () => Promise<void> }>,
): void {
  describe(`BucketQuotaStore contract: ${name}`, () => {
    let store: BucketQuotaStore;
    let close: () => Promise<void>;
    before(async () => ({ store, close } = await open()));
    after(() => close());

    test('a bucket is uncounted until initUsage, and a second initUsage keeps the first count', async () => {
      assert.equal(await store.usage('first'), undefined);
      await store.initUsage('first', { bytes: 10, objects: 1 });
      await store.initUsage('first', { bytes: 99, objects: 9 });
      assert.deepEqual(await store.usage('first'), { bytes: 10, objects: 1 });
      await store.setUsage('first', { bytes: 5, objects: 2 });
      assert.deepEqual(await store.usage('first'), { bytes: 5, objects: 2 });
    });

    test('reserve refuses past a limit and changes nothing; shrinking is never refused', async () => {
      await store.initUsage('res', { bytes: 90, objects: 9 });
      const limits = { maxBytes: 100, maxObjects: 10 };
      assert.equal(await store.reserve('res', { bytes: 10, objects: 1 }, limits), true);
      assert.deepEqual(await store.usage('res'), { bytes: 100, objects: 10 });
      assert.equal(await store.reserve('res', { bytes: 1, objects: 0 }, limits), false);
      assert.equal(await store.reserve('res', { bytes: 0, objects: 1 }, limits), false);
      assert.deepEqual(await store.usage('res'), { bytes: 100, objects: 10 });
      // An overwrite with a smaller object in a full bucket.
      assert.equal(await store.reserve('res', { bytes: -40, objects: 0 }, { maxBytes: 50, maxObjects: 1 }), true);
      assert.deepEqual(await store.usage('res'), { bytes: 60, objects: 10 });
      // 0 = unlimited on that axis.
      assert.equal(await store.reserve('res', { bytes: 1e12, objects: 0 }, { maxBytes: 0, maxObjects: 10 }), true);
      assert.equal(await store.reserve('uncounted', { bytes: 1, objects: 1 }, { maxBytes: 0, maxObjects: 0 }), false);
    });

    test('concurrent reservations never take more than the limit', async () => {
      await store.initUsage('race', { bytes: 0, objects: 0 });
      const limits = { maxBytes: 1000, maxObjects: 0 };
      const results = await Promise.all(
        Array.from({ length: 25 }, () => store.reserve('race', { bytes: 100, objects: 1 }, limits)),
      );
      assert.equal(results.filter(Boolean).length, 10);
      assert.deepEqual(await store.usage('race'), { bytes: 1000, objects: 10 });
    });

    test('adjust adds as given; large byte counts survive the round trip', async () => {
      await store.initUsage('adj', { bytes: 5 * 2 ** 40, objects: 3 });
      await store.adjust('adj', { bytes: -(2 ** 40), objects: -1 });
      assert.deepEqual(await store.usage('adj'), { bytes: 4 * 2 ** 40, objects: 2 });
    });

    test('limits: set, one axis left to the default, removed', async () => {
      assert.equal(await store.limits('lim'), undefined);
      await store.setLimits('lim', { maxBytes: 2 ** 41, maxObjects: null });
      assert.deepEqual(await store.limits('lim'), { maxBytes: 2 ** 41, maxObjects: null });
      await store.setLimits('lim', { maxBytes: 0, maxObjects: 7 });
      assert.deepEqual(await store.limits('lim'), { maxBytes: 0, maxObjects: 7 });
      await store.setLimits('lim', undefined);
      assert.equal(await store.limits('lim'), undefined);
    });
  });
}
