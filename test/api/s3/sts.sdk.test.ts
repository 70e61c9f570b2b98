// Temporary credentials end to end: @aws-sdk/client-sts GetSessionToken / AssumeRole on the main port, then the
// Rekognition and S3 clients with the session credentials; a wrong, forged or expired token refused with the SDKs'
// error types. Also what Rekognition responses say about their origin (ARN region/account, FaceModelVersion, the
// model header) and that a presigned GET to `/` gets an AWS error, not the console.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  type STSServiceException,
} from '@aws-sdk/client-sts';
import {
  CreateCollectionCommand,
  ListCollectionsCommand,
  type RekognitionServiceException,
} from '@aws-sdk/client-rekognition';
import { GetObjectCommand, PutObjectCommand, type S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { issueSession } from '../../../src/auth/session.tokens.ts';
import { NodeSha256 } from '../../helpers/sha256.helper.ts';
import { stubEngine } from '../rekognition/stub.engine.ts';
import { KEY, startS3Server, type S3Harness } from './s3.harness.ts';

let h: S3Harness;
let sts: STSClient;
before(async () => {
  h = await startS3Server({ overrides: { engine: stubEngine } }, { FACEGATE_ACCOUNT_ID: '123456789012' });
  sts = new STSClient({ endpoint: h.url, region: 'eu-west-3', credentials: KEY, maxAttempts: 1 });
});
after(async () => {
  sts.destroy();
  await h.close();
});

const failure = <E>(p: Promise<unknown>): Promise<E> =>
  p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e as E,
  );

describe('STS and session credentials', () => {
  test('GetSessionToken credentials work for Rekognition and S3', async () => {
    const r = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const c = r.Credentials!;
    assert.match(c.AccessKeyId!, /^ASFG/);
    assert.ok(c.Expiration!.getTime() > Date.now() + 800_000 && c.Expiration!.getTime() <= Date.now() + 901_000);
    const credentials = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
    const rk = h.client({ credentials });
    const created = await rk.send(new CreateCollectionCommand({ CollectionId: 'session-made' }));
    assert.equal(created.CollectionArn, 'arn:aws:rekognition:eu-west-3:123456789012:collection/session-made');
    const s3 = h.s3({ credentials });
    const objects = await h.container.get('objects');
    await objects.put('sessions', 'seed.txt', new Uint8Array([1]));
    await s3.send(new PutObjectCommand({ Bucket: 'sessions', Key: 'k.txt', Body: 'from a session' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'sessions', Key: 'k.txt' }));
    assert.equal(await got.Body!.transformToString(), 'from a session');
    // A presigned URL made with session credentials carries X-Amz-Security-Token in its query.
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'sessions', Key: 'k.txt' }), { expiresIn: 60 });
    assert.match(url, /X-Amz-Security-Token=/);
    assert.equal(await (await fetch(url)).text(), 'from a session');
    const me = await sts.send(new GetCallerIdentityCommand({}));
    assert.deepEqual([me.Account, me.UserId], ['123456789012', KEY.accessKeyId]);
    // Session credentials cannot mint more sessions (as on AWS).
    const again = new STSClient({ endpoint: h.url, region: 'eu-west-3', credentials, maxAttempts: 1 });
    const e = await failure<STSServiceException>(again.send(new GetSessionTokenCommand({})));
    assert.equal(e.name, 'AccessDenied');
    again.destroy();
  });

  test('AssumeRole returns the assumed-role user and working credentials', async () => {
    const r = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/lambda-thumbnailer', RoleSessionName: 'run-1' }),
    );
    assert.equal(r.AssumedRoleUser?.Arn, 'arn:aws:sts::123456789012:assumed-role/lambda-thumbnailer/run-1');
    const c = r.Credentials!;
    const rk = h.client({
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
    });
    assert.ok((await rk.send(new ListCollectionsCommand({}))).CollectionIds);
    const bad = await failure<STSServiceException>(
      sts.send(new AssumeRoleCommand({ RoleArn: 'not-an-arn', RoleSessionName: 'x1' })),
    );
    assert.equal(bad.name, 'ValidationError');
  });

  test('a wrong or forged token is UnrecognizedClientException / InvalidToken; an expired one ExpiredToken(Exception)', async () => {
    const r = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const c = r.Credentials!;
    const other = (await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials!;
    const wrong = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: other.SessionToken!,
    };
    const rkWrong = await failure<RekognitionServiceException>(
      h.client({ credentials: wrong }).send(new ListCollectionsCommand({})),
    );
    assert.equal(rkWrong.name, 'UnrecognizedClientException');
    const s3Wrong = await failure<S3ServiceException>(
      h.s3({ credentials: wrong }).send(new GetObjectCommand({ Bucket: 'sessions', Key: 'k.txt' })),
    );
    assert.equal(s3Wrong.name, 'InvalidToken');
    const stsWrong = await failure<STSServiceException>(
      new STSClient({ endpoint: h.url, region: 'us-east-1', credentials: wrong, maxAttempts: 1 }).send(
        new GetSessionTokenCommand({}),
      ),
    );
    assert.equal(stsWrong.name, 'InvalidClientTokenId');

    // Issued by the same key 20 minutes ago for 15 minutes: a real, correctly MAC'd token that has run out.
    const old = issueSession(KEY, 900, new Date(Date.now() - 1_200_000));
    const expired = {
      accessKeyId: old.accessKeyId,
      secretAccessKey: old.secretAccessKey,
      sessionToken: old.sessionToken,
    };
    const rkExpired = await failure<RekognitionServiceException>(
      h.client({ credentials: expired }).send(new ListCollectionsCommand({})),
    );
    assert.equal(rkExpired.name, 'ExpiredTokenException');
    const s3Expired = await failure<S3ServiceException>(
      h.s3({ credentials: expired }).send(new GetObjectCommand({ Bucket: 'sessions', Key: 'k.txt' })),
    );
    assert.equal(s3Expired.name, 'ExpiredToken');
  });
});

describe('where Rekognition answers come from', () => {
  test('FaceModelVersion is a version number; the model name is in x-facegate-face-model', async () => {
    const res = await h.signedFetch('RekognitionService.CreateCollection', JSON.stringify({ CollectionId: 'hdr' }));
    const body = (await res.json()) as { FaceModelVersion: string; CollectionArn: string };
    assert.equal(body.FaceModelVersion, '7.0');
    assert.equal(res.headers.get('x-facegate-face-model'), stubEngine.faceModelVersion);
    assert.equal(body.CollectionArn, 'arn:aws:rekognition:us-east-1:123456789012:collection/hdr');
  });

  test('a presigned GET to / is an AWS auth error, the console still gets its page', async () => {
    const u = new URL(h.url);
    const signer = new SignatureV4({
      service: 'rekognition',
      region: 'us-east-1',
      credentials: KEY,
      sha256: NodeSha256,
    });
    const req = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: u.hostname,
        port: Number(u.port),
        path: '/',
        query: {},
        headers: { host: u.host },
      },
      { expiresIn: 60 },
    );
    const qs = new URLSearchParams(req.query as Record<string, string>).toString();
    const presigned = await fetch(`${h.url}/?${qs}`);
    assert.equal(presigned.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.doesNotMatch(await presigned.text(), /<html/i);
    const page = await fetch(`${h.url}/`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
  });
});
