// The object copy of `facegate migrate`: every local bucket into an S3 server (s3rver), keys the S3 driver escapes
// included; a second copy writes nothing; a target whose ETags are not plain MD5s (multipart, some S3-compatible
// servers) is compared by reading its objects back; a changed byte of the same size is still found.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { compareObjects, copyObjects } from '../../src/storage/object.copy.ts';
import type { ObjectStore } from '../../src/storage/object-store.port.ts';
import { S3ObjectStore } from '../../src/storage/s3.object-store.driver.ts';
import { startS3Server, type S3Server } from '../helpers/s3.server.ts';

let s3: S3Server;
let target: S3ObjectStore;
const dir = mkdtempSync(join(tmpdir(), 'fg-objcopy-'));
const local = new LocalObjectStore(join(dir, 'objects'));
const bytes = (s: string) => new Uint8Array(Buffer.from(s));
const KEYS = ['a.jpg', 'p1/ph1.t', 'odd/%41/x', 'dots/../up', 'deep/a/b/c/d.bin'];

before(async () => {
  s3 = await startS3Server(['copy']);
  target = await S3ObjectStore.open({
    endpoint: s3.endpoint,
    bucket: 'copy',
    region: 'us-east-1',
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    prefix: 'fg/',
  });
  for (const k of KEYS) await local.put('photos', k, bytes(`photo ${k}`));
  await local.put('uploads', 'u/1.jpg', bytes('upload'));
});
after(async () => {
  target?.close();
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The target with its ETags hidden or replaced by a multipart-style tag: the copy must read objects back. */
const withoutMd5 = (inner: ObjectStore): ObjectStore => ({
  put: (b, k, body) => inner.put(b, k, body),
  get: (b, k) => inner.get(b, k),
  head: (b, k) => inner.head(b, k),
  delete: (b, k) => inner.delete(b, k),
  list: async (b, o) => {
    const page = await inner.list(b, o);
    return { ...page, objects: page.objects.map((x) => ({ ...x, etag: 'd41d8cd98f00b204e9800998ecf8427e-2' })) };
  },
});

test('every bucket is copied and verified; a second copy writes nothing', async () => {
  const first = await copyObjects(local, target);
  assert.deepEqual(
    first.map((r) => [r.bucket, r.localObjects, r.targetObjects, r.same, r.copied, r.skipped]),
    [
      ['photos', KEYS.length, KEYS.length, true, KEYS.length, 0],
      ['uploads', 1, 1, true, 1, 0],
    ],
  );
  for (const k of KEYS) assert.equal(Buffer.from((await target.get('photos', k))!.body).toString(), `photo ${k}`);
  const again = await copyObjects(local, target);
  assert.deepEqual(
    again.map((r) => [r.copied, r.skipped, r.same]),
    [
      [0, KEYS.length, true],
      [0, 1, true],
    ],
  );
  assert.deepEqual(
    again.map((r) => r.targetChecksum),
    first.map((r) => r.localChecksum),
  );
});

test('without MD5 ETags the objects are read back; a changed byte of the same size is found and repaired', async () => {
  const blind = withoutMd5(target);
  assert.ok((await compareObjects(local, blind)).every((r) => r.same));
  await target.put('photos', 'a.jpg', bytes('photo a.jpX'));
  const seen = await compareObjects(local, blind);
  assert.deepEqual(seen.find((r) => r.bucket === 'photos')?.differing, ['a.jpg']);
  await target.put('photos', 'extra', bytes('not in the data directory'));
  const extra = (await compareObjects(local, target)).find((r) => r.bucket === 'photos')!;
  assert.deepEqual([extra.same, extra.extra, extra.targetObjects], [false, ['extra'], KEYS.length + 1]);
  await target.delete('photos', 'extra');
  const fixed = await copyObjects(local, blind);
  assert.deepEqual(
    fixed.map((r) => [r.copied, r.same]),
    [
      [1, true],
      [0, true],
    ],
  );
});
