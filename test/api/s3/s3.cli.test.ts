// The S3 endpoint through the `aws` CLI (`aws s3 cp/ls/rm/presign`, multipart above its 8 MB threshold) and through
// aws-sdk v2 as the AWS samples construct it (`new AWS.S3({ endpoint, s3ForcePathStyle })`, getSignedUrl with the
// SDK's default signature, `new AWS.Rekognition({ endpoint })`). The CLI part is skipped, with a message, where the
// CLI is not installed.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import AWS from 'aws-sdk';
import { stubEngine } from '../rekognition/stub.engine.ts';
import { KEY, startS3Server, type S3Harness } from './s3.harness.ts';

const run = promisify(execFile);
let h: S3Harness;
let work: string;
before(async () => {
  h = await startS3Server({ overrides: { engine: stubEngine } });
  work = mkdtempSync(join(tmpdir(), 'facegate-cli-'));
});
after(async () => {
  await h.close();
  rmSync(work, { recursive: true, force: true });
});

const cliPresent = await run('aws', ['--version']).then(
  () => true,
  () => false,
);

/** The CLI as a user runs it: credentials in the standard variables, nothing but the endpoint on the command line. */
function aws(...args: string[]) {
  return run('aws', ['--endpoint-url', h.s3Url, ...args], {
    // Asynchronous on purpose: the server answering it runs in this process.
    env: {
      PATH: process.env.PATH,
      HOME: work,
      AWS_ACCESS_KEY_ID: KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
      AWS_DEFAULT_REGION: 'eu-central-1',
      AWS_CONFIG_FILE: join(work, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
    },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 120_000,
  });
}

describe('aws CLI', { skip: cliPresent ? false : 'the aws CLI is not installed' }, () => {
  test('cp up (small and multipart), ls, cp down, presign, rm', async () => {
    const small = join(work, 'photo.jpg');
    const big = join(work, 'big.bin');
    writeFileSync(small, 'not really a jpeg');
    const bigData = Buffer.alloc(9 * 1024 * 1024 + 7);
    for (let i = 0; i < bigData.length; i += 1000) bigData[i] = i % 251;
    writeFileSync(big, bigData);
    await aws('s3', 'mb', 's3://cli-bucket');
    await aws('s3', 'cp', small, 's3://cli-bucket/people/photo 1.jpg');
    await aws('s3', 'cp', big, 's3://cli-bucket/big.bin');
    const ls = (await aws('s3', 'ls', 's3://cli-bucket/')).stdout;
    assert.match(ls, /PRE people\//);
    assert.match(ls, new RegExp(`${bigData.length} big\\.bin`));
    const deep = (await aws('s3', 'ls', '--recursive', 's3://cli-bucket/')).stdout;
    assert.match(deep, /people\/photo 1\.jpg/);
    await aws('s3', 'cp', 's3://cli-bucket/big.bin', join(work, 'back.bin'));
    assert.ok(readFileSync(join(work, 'back.bin')).equals(bigData));
    const url = (await aws('s3', 'presign', 's3://cli-bucket/people/photo 1.jpg', '--expires-in', '60')).stdout.trim();
    const r = await fetch(url);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'not really a jpeg');
    await aws('s3', 'rm', 's3://cli-bucket/big.bin');
    await aws('s3', 'rm', '--recursive', 's3://cli-bucket/people/');
    assert.equal((await aws('s3', 'ls', '--recursive', 's3://cli-bucket/')).stdout.trim(), '');
    await aws('s3', 'rb', 's3://cli-bucket');
  });
});

describe('aws-sdk v2, as the AWS samples construct it', () => {
  test('S3 put/get/list/upload/getSignedUrl and Rekognition with only an endpoint', async () => {
    AWS.config.update({ region: 'us-west-2', credentials: new AWS.Credentials(KEY.accessKeyId, KEY.secretAccessKey) });
    const s3 = new AWS.S3({ endpoint: h.s3Url, s3ForcePathStyle: true });
    await s3.createBucket({ Bucket: 'v2-bucket' }).promise();
    await s3
      .putObject({ Bucket: 'v2-bucket', Key: 'in/x y.txt', Body: 'v2 body', ContentType: 'text/plain' })
      .promise();
    const got = await s3.getObject({ Bucket: 'v2-bucket', Key: 'in/x y.txt' }).promise();
    assert.equal(String(got.Body), 'v2 body');
    assert.equal(got.ContentType, 'text/plain');
    const listed = await s3.listObjectsV2({ Bucket: 'v2-bucket', Prefix: 'in/' }).promise();
    assert.deepEqual(
      listed.Contents?.map((c) => c.Key),
      ['in/x y.txt'],
    );
    const big = Buffer.alloc(11 * 1024 * 1024, 3);
    const up = await s3.upload({ Bucket: 'v2-bucket', Key: 'big', Body: big }).promise();
    assert.match(up.ETag, /-\d+"$/);
    const url = s3.getSignedUrl('getObject', { Bucket: 'v2-bucket', Key: 'in/x y.txt', Expires: 60 });
    const r = await fetch(url);
    assert.equal(await r.text(), 'v2 body');
    const tampered = await fetch(url.replace('x%20y', 'x%20z'));
    assert.equal(tampered.status, 403);

    const rk = new AWS.Rekognition({ endpoint: h.url });
    const c = await rk.createCollection({ CollectionId: 'v2-made' }).promise();
    assert.equal(c.CollectionArn, 'arn:aws:rekognition:us-west-2:000000000000:collection/v2-made');
    const err = await rk
      .describeCollection({ CollectionId: 'missing' })
      .promise()
      .then(
        () => assert.fail('expected ResourceNotFoundException'),
        (e: AWS.AWSError) => e,
      );
    assert.equal(err.code, 'ResourceNotFoundException');
  });
});
