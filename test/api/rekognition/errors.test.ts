// Errors as the AWS SDK reads them (type from x-amzn-errortype, message, status), request limits and validation, and
// SigV4 refusals, through the real SDK over HTTP with stubs (protocol.stubs.ts).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateCollectionCommand, DetectFacesCommand, ListCollectionsCommand } from '@aws-sdk/client-rekognition';
import { bodyLimitFor } from '../../../src/server/app.ts';
import { img, sdkError, stubCollections, stubEngine, stubObjects } from './protocol.stubs.ts';
import { KEY, startServer, type Harness } from './rekognition.harness.ts';

let h: Harness;
before(async () => {
  h = await startServer({ overrides: { engine: stubEngine, objects: stubObjects, collections: stubCollections } });
});
after(() => h.close());

describe('errors through the AWS SDK', () => {
  test('inline bytes over 5 MB are ImageTooLargeException', async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1).fill(1);
    const e = await sdkError(h.client().send(new DetectFacesCommand({ Image: { Bytes: big } })));
    assert.equal(e.name, 'ImageTooLargeException');
    assert.equal(e.$metadata.httpStatusCode, 400);
  });

  test('a body over the route limit (base64 of 5 MB + 64 KB) is ImageTooLargeException before it is read whole', async () => {
    const limit = Math.ceil((h.container.config.images.maxInlineBytes * 4) / 3) + 64 * 1024;
    assert.ok(limit < bodyLimitFor(h.container.config.images.maxObjectBytes), 'tighter than the server-wide limit');
    const res = await fetch(h.url + '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.DetectFaces' },
      body: Buffer.alloc(limit + 1, 0x20),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'ImageTooLargeException');
  });

  test('an invalid request is InvalidParameterException naming the member', async () => {
    const e = await sdkError(h.client().send(new CreateCollectionCommand({ CollectionId: 'not valid!' })));
    assert.equal(e.name, 'InvalidParameterException');
    assert.match(e.message, /CollectionId/);
    const both = await sdkError(
      h
        .client()
        .send(
          new DetectFacesCommand({ Image: { Bytes: new Uint8Array([1]), S3Object: { Bucket: 'abc', Name: 'x' } } }),
        ),
    );
    assert.equal(both.name, 'InvalidParameterException');
    assert.match(both.message, /Exactly one of Bytes or S3Object/);
  });

  test('service errors keep their type and message: ResourceAlreadyExists, InvalidPaginationToken', async () => {
    const dup = await sdkError(h.client().send(new CreateCollectionCommand({ CollectionId: 'taken' })));
    assert.equal(dup.name, 'ResourceAlreadyExistsException');
    assert.match(dup.message, /already exists/);
    const page = await sdkError(h.client().send(new ListCollectionsCommand({ NextToken: 'garbage' })));
    assert.equal(page.name, 'InvalidPaginationTokenException');
  });

  test('an internal fault is a 500 InternalServerError that leaks nothing', async () => {
    const res = await h.signedFetch(
      'RekognitionService.DetectFaces',
      JSON.stringify({ Image: { Bytes: Buffer.from([9, 9]).toString('base64') } }),
    );
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('x-amzn-errortype'), 'InternalServerError');
    const text = await res.text();
    assert.deepEqual(JSON.parse(text), { __type: 'InternalServerError', message: 'Internal server error' });
    assert.doesNotMatch(text, /secret|exploded/);
  });

  test('an unknown operation is UnknownOperationException', async () => {
    const res = await h.signedFetch('RekognitionService.RecognizeCelebrities', '{}');
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    const { message } = (await res.json()) as { message: string };
    assert.equal(message, 'Operation RecognizeCelebrities is not supported by this server');
    const other = await h.signedFetch('Foo.Bar', '{}');
    assert.match(((await other.json()) as { message: string }).message, /^X-Amz-Target Foo\.Bar is not /);
  });

  test('a body that is not JSON, or not base64 bytes, is InvalidParameterException', async () => {
    const res = await h.signedFetch('RekognitionService.DetectFaces', '{not json');
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidParameterException');
    const b64 = await h.signedFetch('RekognitionService.DetectFaces', JSON.stringify({ Image: { Bytes: '***' } }));
    assert.equal(b64.headers.get('x-amzn-errortype'), 'InvalidParameterException');
  });
});

describe('SigV4 through the AWS SDK', () => {
  test('a wrong secret is InvalidSignatureException', async () => {
    const c = h.client({ credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: 'wrong' } });
    const e = await sdkError(c.send(new DetectFacesCommand({ Image: img(1) })));
    assert.equal(e.name, 'InvalidSignatureException');
    assert.equal(e.$metadata.httpStatusCode, 400);
  });

  test('an unknown access key is UnrecognizedClientException', async () => {
    const c = h.client({ credentials: { accessKeyId: 'AKFGNOBODY0000000000', secretAccessKey: KEY.secretAccessKey } });
    const e = await sdkError(c.send(new DetectFacesCommand({ Image: img(1) })));
    assert.equal(e.name, 'UnrecognizedClientException');
  });

  test('a request signed 20 minutes in the past is refused with "Signature expired"', async () => {
    const c = h.client({ systemClockOffset: -20 * 60_000 });
    const e = await sdkError(c.send(new DetectFacesCommand({ Image: img(1) })));
    assert.equal(e.name, 'InvalidSignatureException');
    assert.match(e.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  });

  test('the SDK corrects a skewed clock from our Date header and retries successfully', async () => {
    const c = h.client({ systemClockOffset: -20 * 60_000, maxAttempts: 3 });
    const r = await c.send(new DetectFacesCommand({ Image: img(1) }));
    assert.equal(r.FaceDetails?.length, 1);
    assert.equal(r.$metadata.attempts, 2);
  });

  test('an unsigned request is MissingAuthenticationTokenException', async () => {
    const res = await fetch(h.url + '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.ListCollections' },
      body: '{}',
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  });

  test('a signature from a wrong key via a hand-signed request is refused before the operation runs', async () => {
    const res = await h.signedFetch('RekognitionService.Nope', '{}', { ...KEY, secretAccessKey: 'x' });
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
  });
});
