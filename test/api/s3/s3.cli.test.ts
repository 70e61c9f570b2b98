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

const boto3Present = await run('python3', ['-c', 'import boto3']).then(
  () => true,
  () => false,
);

/** boto3 as the snippets in docs/migrating-from-aws.md write it: endpoints in code, credentials from the environment. */
const BOTO3_SCRIPT = String.raw`
import json, os, sys, urllib.request
import boto3
from botocore.config import Config
main, s3url = sys.argv[1], sys.argv[2]
s3 = boto3.client('s3', endpoint_url=s3url, region_name='us-east-1', config=Config(s3={'addressing_style': 'path'}))
sts = boto3.client('sts', endpoint_url=main, region_name='us-east-1')
rek = boto3.client('rekognition', endpoint_url=main, region_name='us-east-1')
s3.create_bucket(Bucket='boto-bucket')
s3.put_object(Bucket='boto-bucket', Key='a/b c.txt', Body=b'boto body', ContentType='text/plain')
got = s3.get_object(Bucket='boto-bucket', Key='a/b c.txt', Range='bytes=0-3')['Body'].read().decode()
keys = [o['Key'] for o in s3.list_objects_v2(Bucket='boto-bucket')['Contents']]
url = s3.generate_presigned_url('get_object', Params={'Bucket': 'boto-bucket', 'Key': 'a/b c.txt'}, ExpiresIn=60)
presigned = urllib.request.urlopen(url).read().decode()
c = sts.get_session_token(DurationSeconds=900)['Credentials']
session = boto3.client('s3', endpoint_url=s3url, region_name='us-east-1', aws_access_key_id=c['AccessKeyId'],
                       aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'],
                       config=Config(s3={'addressing_style': 'path'}))
via_session = session.get_object(Bucket='boto-bucket', Key='a/b c.txt')['Body'].read().decode()
arn = rek.create_collection(CollectionId='boto-made')['CollectionArn']
print(json.dumps({'got': got, 'keys': keys, 'presigned': presigned, 'session': via_session, 'arn': arn}))
`;

describe('boto3', { skip: boto3Present ? false : 'boto3 is not installed' }, () => {
  test('S3, STS and Rekognition clients with endpoint_url', async () => {
    const { stdout } = await run('python3', ['-c', BOTO3_SCRIPT, h.url, h.s3Url], {
      env: {
        PATH: process.env.PATH,
        HOME: work,
        AWS_ACCESS_KEY_ID: KEY.accessKeyId,
        AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
        AWS_CONFIG_FILE: join(work, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
      },
      timeout: 120_000,
    });
    const r = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(r, {
      got: 'boto',
      keys: ['a/b c.txt'],
      presigned: 'boto body',
      session: 'boto body',
      arn: 'arn:aws:rekognition:us-east-1:000000000000:collection/boto-made',
    });
  });
});
