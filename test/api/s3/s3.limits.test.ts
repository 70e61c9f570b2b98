// Memory bounds of the S3 endpoint: an object above FACEGATE_S3_MAX_OBJECT_BYTES is EntityTooLarge, and past four
// objects' worth of declared body bytes in flight a new upload gets 503 SlowDown (which the SDKs retry).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { CreateBucketCommand, PutObjectCommand, type S3ServiceException } from '@aws-sdk/client-s3';
import type { CollectionService } from '../../../src/collections/collection.service.ts';
import type { FaceEngine } from '../../../src/vision/vision.types.ts';
import { startS3Server, type S3Harness } from './s3.harness.ts';

let h: S3Harness;
before(async () => {
  h = await startS3Server(
    { overrides: { engine: {} as FaceEngine, collections: {} as CollectionService } },
    { FACEGATE_S3_MAX_OBJECT_BYTES: '4096' },
  );
  await h.s3().send(new CreateBucketCommand({ Bucket: 'small' }));
});
after(() => h.close());

describe('S3 limits', () => {
  test('an object over the cap is EntityTooLarge', async () => {
    const e = await h
      .s3()
      .send(new PutObjectCommand({ Bucket: 'small', Key: 'big', Body: Buffer.alloc(5000) }))
      .then(
        () => assert.fail('expected EntityTooLarge'),
        (err: unknown) => err as S3ServiceException,
      );
    assert.equal(e.name, 'EntityTooLarge');
  });

  test('a new upload past the in-flight body budget is SlowDown with Retry-After', async () => {
    const u = new URL(h.s3Url);
    // Holds 16300 declared bytes open: the server has counted them once it answers 100 Continue.
    const held = http.request({
      host: u.hostname,
      port: u.port,
      method: 'PUT',
      path: '/small/held',
      headers: { 'content-length': '16300', expect: '100-continue' },
    });
    held.on('error', () => undefined);
    held.flushHeaders();
    await once(held, 'continue');
    const r = await fetch(`${h.s3Url}/small/next`, { method: 'PUT', body: Buffer.alloc(100) });
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '1');
    assert.match(await r.text(), /<Code>SlowDown<\/Code>/);
    held.destroy();
  });
});
