// End to end on the real engine, collections, object store and pipeline: what a migrating AWS user's unmodified
// code sees. S3 PutObject → IndexFaces/SearchFacesByImage by Image.S3Object → delete; a pipeline run started by an
// S3 PutObject (once per write) and its S3 event notification at a webhook; a Lambda-style handler in a child
// process configured only by AWS_* variables with STS session credentials.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateCollectionCommand,
  DeleteFacesCommand,
  IndexFacesCommand,
  SearchFacesByImageCommand,
  type RekognitionClient,
  type RekognitionServiceException,
} from '@aws-sdk/client-rekognition';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { CATALOG } from '../../../src/vision/models/model.catalog.ts';
import { preparedRuntime } from '../../helpers/models.helper.ts';
import { httpReceiver } from '../../notify/servers.ts';
import { KEY, startS3Server, type S3Harness } from './s3.harness.ts';

const FIXTURES = new URL('../../fixtures/images/', import.meta.url);
const fixture = async (name: string) => new Uint8Array(await readFile(new URL(name, FIXTURES)));
const run = promisify(execFile);

let h: S3Harness;
let s3: S3Client;
let rk: RekognitionClient;
let hooks: Awaited<ReturnType<typeof httpReceiver>>;
before(async () => {
  await (await preparedRuntime(CATALOG.map((e) => e.name))).close();
  h = await startS3Server({}, { FACEGATE_JOBS_POLL_MS: '20' });
  await h.container.get('engine');
  s3 = h.s3();
  rk = h.client();
  hooks = await httpReceiver(() => 200);
});
after(async () => {
  await hooks?.close();
  await h?.close();
});

const rekError = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('expected a Rekognition error'),
    (e: unknown) => e as RekognitionServiceException,
  );

describe('unmodified AWS code end to end', () => {
  test('PutObject, IndexFaces and SearchFacesByImage by S3Object, delete', async () => {
    const objects = await h.container.get('objects');
    await objects.put('photos', '.keep', new Uint8Array([0]));
    await s3.send(
      new PutObjectCommand({ Bucket: 'photos', Key: 'staff/identity.jpg', Body: await fixture('identity.jpg') }),
    );
    await s3.send(
      new PutObjectCommand({ Bucket: 'photos', Key: 'probe.jpg', Body: await fixture('looking_at_screen.jpg') }),
    );
    await rk.send(new CreateCollectionCommand({ CollectionId: 'staff' }));
    const indexed = await rk.send(
      new IndexFacesCommand({
        CollectionId: 'staff',
        Image: { S3Object: { Bucket: 'photos', Name: 'staff/identity.jpg' } },
        ExternalImageId: 'identity',
      }),
    );
    assert.equal(indexed.FaceRecords?.length, 1);
    const faceId = indexed.FaceRecords![0]!.Face!.FaceId!;
    const found = await rk.send(
      new SearchFacesByImageCommand({
        CollectionId: 'staff',
        Image: { S3Object: { Bucket: 'photos', Name: 'probe.jpg' } },
      }),
    );
    assert.equal(found.FaceMatches?.[0]?.Face?.FaceId, faceId);
    await rk.send(new DeleteFacesCommand({ CollectionId: 'staff', FaceIds: [faceId] }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'staff/identity.jpg' }));
    const gone = await rekError(
      rk.send(
        new IndexFacesCommand({
          CollectionId: 'staff',
          Image: { S3Object: { Bucket: 'photos', Name: 'staff/identity.jpg' } },
        }),
      ),
    );
    assert.equal(gone.name, 'InvalidS3ObjectException');
  });

  test('S3 stores an object above 15 MB; Rekognition refuses it as AWS does', async () => {
    const big = Buffer.alloc(16 * 1024 * 1024, 1);
    await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'huge.jpg', Body: big }));
    const e = await rekError(
      rk.send(
        new IndexFacesCommand({ CollectionId: 'staff', Image: { S3Object: { Bucket: 'photos', Name: 'huge.jpg' } } }),
      ),
    );
    assert.equal(e.name, 'ImageTooLargeException');
  });

  test('an S3 PutObject into a bound bucket starts one pipeline run per write and notifies a webhook', async () => {
    const p = await h.container.get('pipeline');
    await p.service.define({ name: 'signup', bucket: 'signups', collectionId: 'signup-faces' });
    await p.notifications.subscribe({ channel: 'webhook', target: `${hooks.url}/s3`, eventTypes: ['object.created'] });
    const hook = hooks.next('/s3');
    await s3.send(
      new PutObjectCommand({ Bucket: 'signups', Key: 'new users/dani.jpg', Body: await fixture('identity.jpg') }),
    );
    const runs = await p.service.runs({ pipeline: 'signup' });
    assert.equal(runs.length, 1);
    assert.deepEqual(
      [runs[0]!.input.bucket, runs[0]!.input.key, runs[0]!.input.source],
      ['signups', 'new users/dani.jpg', 'bucket'],
    );
    const done = await p.engine.waitForRun(runs[0]!.id);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.steps));
    const event = JSON.parse((await hook).body) as {
      Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string; size: number } } }[];
    };
    assert.equal(event.Records[0]!.eventName, 'ObjectCreated:Put');
    assert.equal(event.Records[0]!.s3.bucket.name, 'signups');
    assert.equal(decodeURIComponent(event.Records[0]!.s3.object.key.replace(/\+/g, ' ')), 'new users/dani.jpg');
    // The same key written again is a new object version: a second run (S3 delivers one event per write).
    await s3.send(
      new PutObjectCommand({ Bucket: 'signups', Key: 'new users/dani.jpg', Body: await fixture('identity.jpg') }),
    );
    assert.equal((await p.service.runs({ pipeline: 'signup' })).length, 2);
  });

  test('a Lambda-style handler runs with only AWS_* variables and session credentials', async () => {
    const sts = new STSClient({ endpoint: h.url, region: 'eu-west-1', credentials: KEY, maxAttempts: 1 });
    const c = (await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials!;
    sts.destroy();
    await rk.send(new CreateCollectionCommand({ CollectionId: 'lambda-faces' }));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'photos',
        Key: 'lambda/grace hopper.jpg',
        Body: await fixture('grace_hopper_512x512.jpg'),
      }),
    );
    const event = { Records: [{ s3: { bucket: { name: 'photos' }, object: { key: 'lambda/grace+hopper.jpg' } } }] };
    const handler = fileURLToPath(new URL('./lambda/thumbnail.handler.ts', import.meta.url));
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', handler, JSON.stringify(event), 'lambda-faces'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: c.AccessKeyId,
          AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
          AWS_SESSION_TOKEN: c.SessionToken,
          AWS_REGION: 'eu-west-1',
          AWS_ENDPOINT_URL_S3: h.s3Url,
          AWS_ENDPOINT_URL_REKOGNITION: h.url,
          AWS_CONFIG_FILE: '/nonexistent',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        },
        timeout: 120_000,
      },
    );
    const [result] = JSON.parse(stdout.trim().split('\n').at(-1)!) as { faceId: string; thumbnailKey: string }[];
    assert.match(result!.faceId, /^[0-9a-f-]{36}$/);
    const thumb = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: result!.thumbnailKey }));
    const bytes = await thumb.Body!.transformToByteArray();
    assert.deepEqual([bytes[0], bytes[1]], [0xff, 0xd8]);
    assert.equal(thumb.ContentType, 'image/jpeg');
  });
});
