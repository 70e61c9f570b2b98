// The ObjectStore contract: every driver (local directory today, S3-compatible later) must pass this suite.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectStore } from '../../src/storage/object-store.port.ts';
import { isFacegateError } from '../../src/errors.ts';

export interface ObjectStoreHarness {
  store: ObjectStore;
  cleanup(): Promise<void>;
}

const bytes = (s: string) => new Uint8Array(Buffer.from(s));

export function objectStoreContract(driver: string, make: () => Promise<ObjectStoreHarness>): void {
  describe(`ObjectStore contract: ${driver}`, () => {
    let h: ObjectStoreHarness;
    before(async () => {
      h = await make();
    });
    after(async () => h.cleanup());

    test('put then get returns the same bytes and size', async () => {
      const info = await h.store.put('photos', 'a/b/c.jpg', bytes('hello'));
      assert.equal(info.size, 5);
      const got = await h.store.get('photos', 'a/b/c.jpg');
      assert.equal(Buffer.from(got!.body).toString(), 'hello');
      assert.equal(got!.info.size, 5);
    });

    test('put replaces an existing object', async () => {
      await h.store.put('photos', 'replace.txt', bytes('one'));
      await h.store.put('photos', 'replace.txt', bytes('second'));
      assert.equal(Buffer.from((await h.store.get('photos', 'replace.txt'))!.body).toString(), 'second');
    });

    test('get and head of a missing object give undefined; delete gives false', async () => {
      assert.equal(await h.store.get('photos', 'missing.jpg'), undefined);
      assert.equal(await h.store.head('photos', 'missing.jpg'), undefined);
      assert.equal(await h.store.delete('photos', 'missing.jpg'), false);
      assert.equal(await h.store.get('nobucket', 'x'), undefined);
    });

    test('head reports size without the body; delete removes the object', async () => {
      await h.store.put('photos', 'del.txt', bytes('12345678'));
      assert.equal((await h.store.head('photos', 'del.txt'))!.size, 8);
      assert.equal(await h.store.delete('photos', 'del.txt'), true);
      assert.equal(await h.store.head('photos', 'del.txt'), undefined);
    });

    test('a key and a key below it can both exist ("x" and "x/y")', async () => {
      await h.store.put('nest', 'x', bytes('file'));
      await h.store.put('nest', 'x/y', bytes('child'));
      assert.equal(Buffer.from((await h.store.get('nest', 'x'))!.body).toString(), 'file');
      assert.equal(Buffer.from((await h.store.get('nest', 'x/y'))!.body).toString(), 'child');
    });

    test('keys with dots, spaces and unicode round-trip, and ".." stays inside the bucket', async () => {
      for (const key of ['../escape', 'a/../../b', '.hidden', 'spaced name.png', 'ünï/cødé.jpg', '%41']) {
        await h.store.put('odd', key, bytes(key));
        assert.equal(Buffer.from((await h.store.get('odd', key))!.body).toString(), key);
      }
      const listed = (await h.store.list('odd')).objects.map((o) => o.key);
      assert.deepEqual(listed, ['%41', '../escape', '.hidden', 'a/../../b', 'spaced name.png', 'ünï/cødé.jpg']);
    });

    test('invalid bucket names and empty keys are refused with INVALID_PARAMETER', async () => {
      for (const [bucket, key] of [
        ['../etc', 'passwd'],
        ['UPPER', 'k'],
        ['ok-bucket', ''],
        ['ok-bucket', 'a//b'],
        ['ok-bucket', 'nul\0byte'],
      ] as const) {
        await assert.rejects(
          () => h.store.put(bucket, key, bytes('x')),
          (e: unknown) => isFacegateError(e) && e.code === 'INVALID_PARAMETER',
          `${bucket}/${key}`,
        );
      }
    });

    test('list is ordered by key, filters by prefix and pages with startAfter', async () => {
      const keys = ['p/3', 'p/1', 'p/2', 'q/1', 'p/10'];
      for (const k of keys) await h.store.put('listing', k, bytes(k));
      const all = await h.store.list('listing');
      assert.deepEqual(
        all.objects.map((o) => o.key),
        ['p/1', 'p/10', 'p/2', 'p/3', 'q/1'],
      );
      assert.equal(all.nextStartAfter, undefined);
      const first = await h.store.list('listing', { prefix: 'p/', limit: 2 });
      assert.deepEqual(
        first.objects.map((o) => o.key),
        ['p/1', 'p/10'],
      );
      const second = await h.store.list('listing', { prefix: 'p/', limit: 2, startAfter: first.nextStartAfter! });
      assert.deepEqual(
        second.objects.map((o) => o.key),
        ['p/2', 'p/3'],
      );
      assert.equal(second.nextStartAfter, undefined);
    });

    test('an empty or missing bucket lists nothing', async () => {
      assert.deepEqual((await h.store.list('never-used')).objects, []);
    });

    test('concurrent puts of one key leave one whole version, never a mix', async () => {
      const a = new Uint8Array(256 * 1024).fill(1);
      const b = new Uint8Array(256 * 1024).fill(2);
      await Promise.all([h.store.put('race', 'k', a), h.store.put('race', 'k', b), h.store.put('race', 'k', a)]);
      const got = (await h.store.get('race', 'k'))!.body;
      assert.equal(got.byteLength, a.byteLength);
      assert.ok(got.every((v) => v === got[0]));
      assert.deepEqual(
        (await h.store.list('race')).objects.map((o) => o.key),
        ['k'],
      );
    });
  });
}
