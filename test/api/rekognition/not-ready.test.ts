// A part that failed to load: the SDK sees a retryable 503 ServiceUnavailableException naming the reason, and
// /readyz says why; nothing pretends to work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DetectFacesCommand, type RekognitionServiceException } from '@aws-sdk/client-rekognition';
import type { FaceEngine } from '../../../src/vision/vision.types.ts';
import { startServer, type Harness } from './rekognition.harness.ts';

let h: Harness;
before(async () => {
  const failed = Promise.reject(new Error('models not prepared: run `facegate models prepare`'));
  failed.catch(() => undefined);
  h = await startServer({ overrides: { engine: failed as Promise<FaceEngine> } });
  await h.container.settled();
});
after(() => h.close());

test('an operation whose engine failed to load is a 503 ServiceUnavailableException with the reason', async () => {
  const e = await h
    .client()
    .send(new DetectFacesCommand({ Image: { Bytes: new Uint8Array([1, 2, 3]) } }))
    .then(
      () => assert.fail('expected a failure'),
      (err: unknown) => err as RekognitionServiceException,
    );
  assert.equal(e.name, 'ServiceUnavailableException');
  assert.equal(e.$metadata.httpStatusCode, 503);
  assert.match(e.message, /models not prepared/);
  const ready = await fetch(`${h.url}/readyz`);
  assert.equal(ready.status, 503);
  assert.match(JSON.stringify(await ready.json()), /models not prepared/);
});
