// The S3 endpoint through @aws-sdk/client-s3, @aws-sdk/lib-storage and @aws-sdk/s3-request-presigner, configured
// with endpoint and credentials only: objects, ranges, listings, copies, multipart, presigned URLs, integrity
// checks, the S3 error codes, read-only app buckets, keys that try to be paths, and virtual-host addressing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CollectionService } from '../../../src/collections/collection.service.ts';
import type { FaceEngine } from '../../../src/vision/vision.types.ts';
import { KEY, startS3Server, type S3Harness } from './s3.harness.ts';

let h: S3Harness;
let s3: S3Client;
/** x-amz-content-sha256 of every request the client sent: which payload modes were exercised. */
const modes = new Set<string>();

before(async () => {
  h = await startS3Server({ overrides: { engine: {} as FaceEngine, collections: {} as CollectionService } });
  s3 = h.s3();
  s3.middlewareStack.add(
    (next) => async (args) => {
      const r = args.request as { headers?: Record<string, string> };
      const mode = r.headers?.['x-amz-content-sha256'];
      if (mode) modes.add(/^[0-9a-f]{64}$/.test(mode) ? 'hashed' : mode);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low' },
  );
  await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
});
after(() => h.close());

async function s3Error(p: Promise<unknown>): Promise<S3ServiceException> {
  return p.then(
    () => assert.fail('expected an S3 error'),
    (e: unknown) => e as S3ServiceException,
  );
}

const body = (o: { Body?: unknown }) =>
  (o.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();

describe('S3 objects through @aws-sdk/client-s3', () => {
  test('put, get (whole and ranges), head with content type, metadata and MD5 ETag', async () => {
    const data = Buffer.from('0123456789abcdefghij');
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'photos',
        Key: 'a b/ç+1.txt',
        Body: data,
        ContentType: 'text/plain',
        Metadata: { who: 'ana' },
      }),
    );
    assert.equal(put.ETag, `"${createHash('md5').update(data).digest('hex')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'a b/ç+1.txt' }));
    assert.deepEqual(Buffer.from(await body(got)), data);
    assert.equal(got.ContentType, 'text/plain');
    assert.deepEqual(got.Metadata, { who: 'ana' });
    for (const [Range, want, contentRange] of [
      ['bytes=2-5', '2345', 'bytes 2-5/20'],
      ['bytes=15-', 'fghij', 'bytes 15-19/20'],
      ['bytes=-3', 'hij', 'bytes 17-19/20'],
      ['bytes=18-100', 'ij', 'bytes 18-19/20'],
    ] as const) {
      const r = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'a b/ç+1.txt', Range }));
      assert.equal(Buffer.from(await body(r)).toString(), want, Range);
      assert.equal(r.ContentRange, contentRange);
    }
    const e = await s3Error(
      s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'a b/ç+1.txt', Range: 'bytes=20-' })),
    );
    assert.equal(e.name, 'InvalidRange');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'photos', Key: 'a b/ç+1.txt' }));
    assert.equal(head.ContentLength, 20);
    assert.equal(head.ETag, put.ETag);
  });

  test('a streamed body (aws-chunked, per-chunk or trailer checksums) arrives intact', async (t) => {
    const data = Buffer.alloc(300_000, 7);
    data.write('streamed');
    await s3.send(
      new PutObjectCommand({
        Bucket: 'photos',
        Key: 'stream.bin',
        Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]),
        ContentLength: data.length,
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'stream.bin' }));
    assert.deepEqual(Buffer.from(await body(got)), data);
    t.diagnostic(`payload modes seen: ${[...modes].join(', ')}`);
    assert.ok(
      [...modes].some((m) => m.startsWith('STREAMING-') || m === 'UNSIGNED-PAYLOAD'),
      `payload modes seen: ${[...modes].join(', ')}`,
    );
  });

  test('Content-MD5 and x-amz-checksum-crc32 are checked: a wrong one is BadDigest', async () => {
    const ok = Buffer.from('checked body');
    await s3.send(
      new PutObjectCommand({
        Bucket: 'photos',
        Key: 'md5.txt',
        Body: ok,
        ContentMD5: createHash('md5').update(ok).digest('base64'),
      }),
    );
    const wrongMd5 = createHash('md5').update('other').digest('base64');
    const e1 = await s3Error(
      s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'md5.txt', Body: ok, ContentMD5: wrongMd5 })),
    );
    assert.equal(e1.name, 'BadDigest');
    const e2 = await s3Error(
      s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'crc.txt', Body: ok, ChecksumCRC32: 'AAAAAA==' })),
    );
    assert.equal(e2.name, 'BadDigest');
    await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'crc.txt', Body: ok, ChecksumAlgorithm: 'CRC32' }));
    await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'sha.txt', Body: ok, ChecksumAlgorithm: 'SHA256' }));
  });

  test('ListObjectsV2 with prefix, delimiter and continuation tokens pages through every key once', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'listing' }));
    const keys = ['a/1', 'a/2', 'b/x/1', 'b/y', 'c', 'd', 'e/f/g'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'listing', Key, Body: Key }));
    const top = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
    assert.deepEqual(
      top.CommonPrefixes?.map((p) => p.Prefix),
      ['a/', 'b/', 'e/'],
    );
    assert.deepEqual(
      top.Contents?.map((c) => c.Key),
      ['c', 'd'],
    );
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await s3.send(
        new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/', MaxKeys: 2, ContinuationToken: token }),
      );
      seen.push(...(r.CommonPrefixes ?? []).map((p) => p.Prefix!), ...(r.Contents ?? []).map((c) => c.Key!));
      if (!r.IsTruncated) break;
      token = r.NextContinuationToken;
    }
    assert.deepEqual(seen.sort(), ['a/', 'b/', 'c', 'd', 'e/']);
    const b = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'b/' }));
    assert.deepEqual(
      b.Contents?.map((c) => c.Key),
      ['b/x/1', 'b/y'],
    );
  });

  test('copy, delete, delete many; a bucket with objects cannot be deleted', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: 'photos', Key: 'orig.txt', Body: 'original', ContentType: 'text/x-orig' }),
    );
    await s3.send(new CopyObjectCommand({ Bucket: 'listing', Key: 'copy.txt', CopySource: 'photos/orig.txt' }));
    const copy = await s3.send(new GetObjectCommand({ Bucket: 'listing', Key: 'copy.txt' }));
    assert.equal(Buffer.from(await body(copy)).toString(), 'original');
    assert.equal(copy.ContentType, 'text/x-orig');
    const notEmpty = await s3Error(s3.send(new DeleteBucketCommand({ Bucket: 'listing' })));
    assert.equal(notEmpty.name, 'BucketNotEmpty');
    await s3.send(new DeleteObjectCommand({ Bucket: 'listing', Key: 'copy.txt' }));
    const r = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'listing',
        Delete: { Objects: ['a/1', 'a/2', 'b/x/1', 'b/y', 'c', 'd', 'e/f/g'].map((Key) => ({ Key })) },
      }),
    );
    assert.equal(r.Deleted?.length, 7);
    await s3.send(new DeleteBucketCommand({ Bucket: 'listing' }));
    const gone = await s3Error(s3.send(new HeadBucketCommand({ Bucket: 'listing' })));
    assert.equal(gone.$metadata.httpStatusCode, 404);
    const nsb = await s3Error(s3.send(new ListObjectsV2Command({ Bucket: 'listing' })));
    assert.equal(nsb.name, 'NoSuchBucket');
    const nsk = await s3Error(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'nothing-here' })));
    assert.equal(nsk.name, 'NoSuchKey');
  });

  test('lib-storage Upload above 8 MB goes multipart and reads back byte for byte', async () => {
    const data = Buffer.alloc(9 * 1024 * 1024 + 123);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32BE(i, i);
    let parts = 0;
    const upload = new Upload({
      client: s3,
      params: { Bucket: 'photos', Key: 'big/video.bin', Body: data },
      partSize: 5 * 1024 * 1024,
    });
    upload.on('httpUploadProgress', (p) => (parts = Math.max(parts, p.part ?? 0)));
    const done = await upload.done();
    assert.match(String(done.ETag), /-2"$/);
    assert.equal(parts, 2);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'big/video.bin' }));
    assert.ok(Buffer.from(await body(got)).equals(data));
    // Listings report the same ETag from the object's metadata (S3's multipart form, not the body's MD5).
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'big/' }));
    assert.equal(listed.Contents?.[0]?.ETag, done.ETag);
  });

  test('presigned GET and PUT work; an expired or altered presigned URL is refused', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'shared.txt', Body: 'shared' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'photos', Key: 'shared.txt' }), {
      expiresIn: 60,
    });
    const ok = await fetch(url);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'shared');
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'photos', Key: 'via-url.txt' }), {
      expiresIn: 60,
    });
    assert.equal((await fetch(putUrl, { method: 'PUT', body: 'uploaded' })).status, 200);
    const back = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'via-url.txt' }));
    assert.equal(Buffer.from(await body(back)).toString(), 'uploaded');

    const old = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'photos', Key: 'shared.txt' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 3600_000),
    });
    const expired = await fetch(old);
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /<Code>AccessDenied<\/Code><Message>Request has expired/);
    const altered = await fetch(url.replace('shared.txt', 'via-url.txt'));
    assert.equal(altered.status, 403);
    assert.match(await altered.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  });

  test('a wrong secret is SignatureDoesNotMatch, an unknown key InvalidAccessKeyId, no signature AccessDenied', async () => {
    const wrong = h.s3({ credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: 'not-the-secret-at-all-000' } });
    assert.equal(
      (await s3Error(wrong.send(new GetObjectCommand({ Bucket: 'photos', Key: 'shared.txt' })))).name,
      'SignatureDoesNotMatch',
    );
    const unknown = h.s3({
      credentials: { accessKeyId: 'AKFGNOBODY0000000000', secretAccessKey: KEY.secretAccessKey },
    });
    assert.equal(
      (await s3Error(unknown.send(new GetObjectCommand({ Bucket: 'photos', Key: 'shared.txt' })))).name,
      'InvalidAccessKeyId',
    );
    const anon = await fetch(`${h.s3Url}/photos/shared.txt`);
    assert.equal(anon.status, 403);
    assert.match(await anon.text(), /<Code>AccessDenied<\/Code>/);
  });

  test('the apps buckets are read-only through S3, and the REST side sees S3 objects and vice versa', async () => {
    const objects = await h.container.get('objects');
    await objects.put('people', 'p1/photo.jpg', new Uint8Array([1, 2, 3]));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'people', Key: 'p1/photo.jpg' }));
    assert.deepEqual([...(await body(got))], [1, 2, 3]);
    for (const write of [
      () => s3.send(new PutObjectCommand({ Bucket: 'people', Key: 'p1/photo.jpg', Body: 'x' })),
      () => s3.send(new DeleteObjectCommand({ Bucket: 'uploads', Key: 'k.faces.json' })),
      () => s3.send(new CopyObjectCommand({ Bucket: 'people', Key: 'x', CopySource: 'photos/shared.txt' })),
    ]) {
      assert.equal((await s3Error(write())).name, 'AccessDenied');
    }
    const catalog = await s3Error(s3.send(new ListObjectsV2Command({ Bucket: 'facegate-s3-catalog' })));
    assert.equal(catalog.name, 'AccessDenied');
    assert.deepEqual(Buffer.from((await objects.get('photos', 'shared.txt'))!.body).toString(), 'shared');
  });

  test('keys are names, never paths: "../" stays inside its bucket', async () => {
    for (const Key of ['../../escape.txt', '..', 'a/../../b', '%2e%2e/x']) {
      await s3.send(new PutObjectCommand({ Bucket: 'photos', Key, Body: Key }));
      const back = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key }));
      assert.equal(Buffer.from(await body(back)).toString(), Key);
    }
    const root = join(h.dataDir, 'objects');
    // Only bucket directories at the top of the object store (an emptied bucket leaves its directory).
    const buckets = ['facegate-s3-catalog', 'listing', 'people', 'photos'];
    assert.ok(
      readdirSync(root).every((d) => buckets.includes(d)),
      readdirSync(root).join(', '),
    );
    const raw = await fetch(`${h.s3Url}/photos/../people/p1/photo.jpg`);
    assert.notEqual(raw.status, 200);
  });

  test('virtual-host-style addressing (bucket.localhost) reaches the same bucket', async () => {
    const agent = new http.Agent({
      // bucket.localhost does not resolve everywhere; the SDK still addresses it by Host.
      lookup: ((_host: string, o: { all?: boolean }, cb: (e: null, a: unknown, f?: number) => void) =>
        o.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) as never,
    });
    const vhost = h.s3({
      endpoint: h.s3Url.replace('127.0.0.1', 'localhost'),
      forcePathStyle: false,
      requestHandler: new NodeHttpHandler({ httpAgent: agent }),
    });
    const r = await vhost.send(new GetObjectCommand({ Bucket: 'photos', Key: 'shared.txt' }));
    assert.equal(Buffer.from(await body(r)).toString(), 'shared');
    agent.destroy();
  });
});
