// Bucket storage quotas through the real clients: @aws-sdk/client-s3 on the S3 endpoint (PutObject, CopyObject,
// multipart, deletes) and fetch on the REST API (the bucket PUT, the admin's quota routes), over one container whose
// data directory is kept across a restart: usage is in the database, so it survives, and a recount repairs drift.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { s3App } from '../../../src/api/s3/s3.composition.ts';
import { createContainer, type Container } from '../../../src/app/container.ts';
import type { CollectionService } from '../../../src/collections/collection.service.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { createLogger } from '../../../src/logger.ts';
import { buildApp } from '../../../src/server/app.ts';
import { LocalObjectStore } from '../../../src/storage/local.object-store.driver.ts';
import type { FaceEngine } from '../../../src/vision/vision.types.ts';
import { KEY, keys } from '../rekognition/rekognition.harness.ts';

const MB = 1024 * 1024;
const ENV = { FACEGATE_BUCKET_QUOTA_BYTES: '10000', FACEGATE_BUCKET_QUOTA_OBJECTS: '3' };

interface Server {
  container: Container;
  app: FastifyInstance;
  s3App: FastifyInstance;
  url: string;
  s3: S3Client;
  close(): Promise<void>;
}

async function open(dataDir: string): Promise<Server> {
  const config = loadConfig(ENV, { dataDir, server: { host: '127.0.0.1', port: '0' } });
  const container = createContainer(config, createLogger('silent'), {
    overrides: { engine: {} as FaceEngine, collections: {} as CollectionService },
  });
  const app = await buildApp(container, { keys });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const s3 = await s3App(container, keys);
  const s3Url = await s3.listen({ host: '127.0.0.1', port: 0 });
  const client = new S3Client({
    endpoint: s3Url,
    region: 'eu-west-3',
    credentials: KEY,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  return {
    container,
    app,
    s3App: s3,
    url,
    s3: client,
    async close() {
      client.destroy();
      await s3.close();
      await app.close();
      await container.close();
    },
  };
}

/** The S3 error a send ended with (or a failure when it succeeded). */
const s3Error = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('expected an S3 error'),
    (e: unknown) => e as S3ServiceException,
  );

const bytes = (n: number, fill = 7) => Buffer.alloc(n, fill);

let dataDir: string;
let s: Server;
let admin: string;

const rest = (path: string, init: RequestInit = {}, key = admin) =>
  fetch(`${s.url}/v1${path}`, { ...init, headers: { 'x-api-key': key, ...(init.headers ?? {}) } });
const quota = async (bucket: string) =>
  (await (await rest(`/buckets/${bucket}/quota`)).json()) as Record<string, unknown>;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'facegate-quota-'));
  s = await open(dataDir);
  admin = (await (await s.container.get('restKeys')).create({ name: 'admin', role: 'admin' })).key;
  for (const Bucket of ['quota', 'multi', 'aborted']) await s.s3.send(new CreateBucketCommand({ Bucket }));
});
after(async () => {
  await s.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('bucket quotas on the S3 endpoint', () => {
  test('PutObject past the byte quota is QuotaExceeded (403); an overwrite counts its difference', async () => {
    await s.s3.send(new PutObjectCommand({ Bucket: 'quota', Key: 'a', Body: bytes(4000) }));
    await s.s3.send(new PutObjectCommand({ Bucket: 'quota', Key: 'b', Body: bytes(4000) }));
    const e = await s3Error(s.s3.send(new PutObjectCommand({ Bucket: 'quota', Key: 'c', Body: bytes(4000) })));
    assert.equal(e.name, 'QuotaExceeded');
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.match(e.message, /8000 of its 10000 bytes/);
    // Overwriting a with fewer bytes frees 3000: c now fits.
    await s.s3.send(new PutObjectCommand({ Bucket: 'quota', Key: 'a', Body: bytes(1000) }));
    await s.s3.send(new PutObjectCommand({ Bucket: 'quota', Key: 'c', Body: bytes(4000) }));
    assert.deepEqual(
      { bytes: (await quota('quota')).usedBytes, objects: (await quota('quota')).usedObjects },
      { bytes: 9000, objects: 3 },
    );
  });

  test('the object count is a limit of its own; deletes give space and objects back', async () => {
    const e = await s3Error(s.s3.send(new PutObjectCommand({ Bucket: 'quota', Key: 'd', Body: bytes(1) })));
    assert.equal(e.name, 'QuotaExceeded');
    assert.match(e.message, /3 of its 3 objects/);
    await s.s3.send(new DeleteObjectCommand({ Bucket: 'quota', Key: 'b' }));
    await s.s3.send(new PutObjectCommand({ Bucket: 'quota', Key: 'd', Body: bytes(1) }));
    await s.s3.send(
      new DeleteObjectsCommand({ Bucket: 'quota', Delete: { Objects: [{ Key: 'd' }, { Key: 'missing' }] } }),
    );
    const q = await quota('quota');
    assert.deepEqual([q.usedBytes, q.usedObjects], [5000, 2]);
  });

  test('CopyObject into a bucket without room is QuotaExceeded and stores nothing', async () => {
    await s.s3.send(new PutObjectCommand({ Bucket: 'multi', Key: 'big', Body: bytes(6000) }));
    const e = await s3Error(
      s.s3.send(new CopyObjectCommand({ Bucket: 'quota', Key: 'copy', CopySource: '/multi/big' })),
    );
    assert.equal(e.name, 'QuotaExceeded');
    const q = await quota('quota');
    assert.deepEqual([q.usedBytes, q.usedObjects], [5000, 2]);
    await s.s3.send(new DeleteObjectCommand({ Bucket: 'multi', Key: 'big' }));
  });

  test('multipart: staged parts count for the bucket; Complete turns them into the object; Abort gives them back', async () => {
    // An admin gives the bucket room for 12 MB (the default of 10000 bytes could not hold a 5 MB part).
    const set = await rest('/buckets/multi/quota', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ maxBytes: 12 * MB }),
    });
    assert.equal(set.status, 200);
    assert.deepEqual(await set.json(), {
      bucket: 'multi',
      maxBytes: 12 * MB,
      maxObjects: 3,
      own: { maxBytes: true, maxObjects: false },
      usedBytes: 0,
      usedObjects: 0,
    });
    const { UploadId } = await s.s3.send(new CreateMultipartUploadCommand({ Bucket: 'multi', Key: 'joined' }));
    const part = (PartNumber: number, n: number) =>
      s.s3.send(
        new UploadPartCommand({ Bucket: 'multi', Key: 'joined', UploadId, PartNumber, Body: bytes(n, PartNumber) }),
      );
    const p1 = await part(1, 6 * MB);
    const p2 = await part(2, 6 * MB);
    assert.equal((await quota('multi')).usedBytes, 12 * MB);
    const e = await s3Error(part(3, 1));
    assert.equal(e.name, 'QuotaExceeded');
    await s.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'multi',
        Key: 'joined',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 2, ETag: p2.ETag },
          ],
        },
      }),
    );
    let q = await quota('multi');
    assert.deepEqual([q.usedBytes, q.usedObjects], [12 * MB, 1]);

    const other = await s.s3.send(new CreateMultipartUploadCommand({ Bucket: 'aborted', Key: 'x' }));
    await s.s3.send(
      new UploadPartCommand({
        Bucket: 'aborted',
        Key: 'x',
        UploadId: other.UploadId,
        PartNumber: 1,
        Body: bytes(9000),
      }),
    );
    assert.equal((await quota('aborted')).usedBytes, 9000);
    const tooMuch = await s3Error(s.s3.send(new PutObjectCommand({ Bucket: 'aborted', Key: 'y', Body: bytes(2000) })));
    assert.equal(tooMuch.name, 'QuotaExceeded');
    await s.s3.send(new AbortMultipartUploadCommand({ Bucket: 'aborted', Key: 'x', UploadId: other.UploadId }));
    q = await quota('aborted');
    assert.deepEqual([q.usedBytes, q.usedObjects], [0, 0]);
  });
});

describe('service buckets through S3', () => {
  test('the door’s and the cameras’ snapshots are read-only, whatever FACEGATE_S3_READONLY_BUCKETS says', async () => {
    for (const Bucket of ['door', 'camera-visits', 'people']) {
      const e = await s3Error(s.s3.send(new PutObjectCommand({ Bucket, Key: 'x.jpg', Body: bytes(10) })));
      assert.equal(e.name, 'AccessDenied', Bucket);
    }
  });
});

describe('bucket quotas on the REST API', () => {
  test('only admins set quotas; a bad limit is 400; service buckets have none', async () => {
    const operator = (await (await s.container.get('restKeys')).create({ name: 'op', role: 'operator' })).key;
    const put = (bucket: string, body: unknown, key = admin) =>
      rest(
        `/buckets/${bucket}/quota`,
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
        key,
      );
    assert.equal((await put('quota', { maxBytes: 1 }, operator)).status, 403);
    assert.equal((await put('quota', { maxBytes: -1 })).status, 400);
    const people = await rest('/buckets/people/quota');
    assert.equal(people.status, 400);
    assert.equal(((await people.json()) as { code: string }).code, 'INVALID_PARAMETER');
  });

  test('PUT /v1/buckets/{bucket}/objects/* counts against the same quota: 403 BUCKET_QUOTA_EXCEEDED', async () => {
    const define = await rest('/pipelines/intake', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ collectionId: 'intake', bucket: 'intake' }),
    });
    assert.equal(define.status, 200, await define.clone().text());
    const putObject = (key: string, n: number) =>
      rest(`/buckets/intake/objects/${key}`, {
        method: 'PUT',
        headers: { 'content-type': 'image/jpeg' },
        body: bytes(n),
      });
    assert.equal((await putObject('one.jpg', 6000)).status, 200);
    const refused = await putObject('two.jpg', 6000);
    assert.equal(refused.status, 403);
    const body = (await refused.json()) as { code: string; details: Record<string, number> };
    assert.equal(body.code, 'BUCKET_QUOTA_EXCEEDED');
    assert.equal(body.details.maxBytes, 10000);
    assert.equal(body.details.usedBytes, 6000);
    // Through S3 the same bucket is as full.
    const e = await s3Error(s.s3.send(new PutObjectCommand({ Bucket: 'intake', Key: 's3.jpg', Body: bytes(5000) })));
    assert.equal(e.name, 'QuotaExceeded');
  });

  test('usage survives a restart; a recount repairs what was written behind the quota’s back; DELETE restores the defaults', async () => {
    await s.close();
    // Written straight into the data directory while the server was down: the kept usage does not know it.
    await new LocalObjectStore(join(dataDir, 'objects')).put('quota', 'sideways', bytes(3000));
    s = await open(dataDir);
    let q = await quota('quota');
    assert.deepEqual([q.usedBytes, q.usedObjects], [5000, 2]);
    assert.equal((await quota('multi')).maxBytes, 12 * MB);
    const recount = await rest('/buckets/quota/quota/recount', { method: 'POST' });
    assert.equal(recount.status, 200);
    q = (await recount.json()) as Record<string, unknown>;
    assert.deepEqual([q.usedBytes, q.usedObjects], [8000, 3]);
    const e = await s3Error(s.s3.send(new PutObjectCommand({ Bucket: 'quota', Key: 'more', Body: bytes(10) })));
    assert.equal(e.name, 'QuotaExceeded');
    const reset = await rest('/buckets/multi/quota', { method: 'DELETE' });
    assert.deepEqual(((await reset.json()) as { maxBytes: number; own: unknown }).maxBytes, 10000);
  });
});
