// server.maxInFlight: image operations beyond the bound are refused at once with ThrottlingException (which the SDK
// retries); cheap operations are not counted. The stub engine holds its first call until the test releases it, so
// the order of events is explicit rather than timed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DetectFacesCommand,
  ListCollectionsCommand,
  type RekognitionServiceException,
} from '@aws-sdk/client-rekognition';
import type { CollectionService } from '../../../src/collections/collection.service.ts';
import type { FaceEngine } from '../../../src/vision/vision.types.ts';
import { startServer, type Harness } from './rekognition.harness.ts';

let entered!: () => void;
const analysing = new Promise<void>((r) => (entered = r));
let release!: () => void;
const released = new Promise<void>((r) => (release = r));

let calls = 0;
const engine = {
  async analyze() {
    // Only the first call blocks: were the bound not enforced, the second would answer and fail the test, not hang.
    if (calls++ === 0) {
      entered();
      await released;
    }
    return { image: { width: 100, height: 100, format: 'png', orientation: 1 }, faces: [] };
  },
  async close() {},
} as unknown as FaceEngine;
const collections = {
  listCollections: async () => ({ collectionIds: [], faceModelVersions: [] }),
} as unknown as CollectionService;

let h: Harness;
before(async () => {
  h = await startServer({ overrides: { engine, collections } }, { FACEGATE_MAX_IN_FLIGHT: '1' });
});
after(() => h.close());

test('an image operation over the in-flight bound is ThrottlingException; cheap ones still answer', async () => {
  const image = { Bytes: new Uint8Array([1, 2, 3]) };
  const first = h.client().send(new DetectFacesCommand({ Image: image }));
  await analysing;
  const second = await h
    .client()
    .send(new DetectFacesCommand({ Image: image }))
    .then(
      () => assert.fail('expected ThrottlingException'),
      (e: unknown) => e as RekognitionServiceException,
    );
  assert.equal(second.name, 'ThrottlingException');
  assert.equal(second.$metadata.httpStatusCode, 400);
  const listed = await h.client().send(new ListCollectionsCommand({}));
  assert.deepEqual(listed.CollectionIds, []);
  release();
  assert.deepEqual((await first).FaceDetails, []);
  const after = await h.client().send(new DetectFacesCommand({ Image: image }));
  assert.deepEqual(after.FaceDetails, [], 'the slot is free again once the first call is done');
});
