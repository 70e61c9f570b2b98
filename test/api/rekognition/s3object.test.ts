// Image.S3Object against the container's real object store (the local directory driver under <dataDir>/objects).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DetectFacesCommand, type RekognitionServiceException } from '@aws-sdk/client-rekognition';
import type { CollectionService } from '../../../src/collections/collection.service.ts';
import type { FaceEngine } from '../../../src/vision/vision.types.ts';
import { startServer, type Harness } from './rekognition.harness.ts';

const seen: number[] = [];
const engine = {
  faceModelVersion: 'stub-1',
  descriptorSize: 2,
  async analyze(image: Uint8Array) {
    seen.push(image.byteLength);
    return { image: { width: 100, height: 100, format: 'jpeg', orientation: 1 }, faces: [] };
  },
  async close() {},
} as unknown as FaceEngine;

let h: Harness;
before(async () => {
  h = await startServer({ overrides: { engine, collections: {} as CollectionService } });
});
after(() => h.close());

describe('Image.S3Object', () => {
  test('reads the named object from the data directory object store', async () => {
    const objects = await h.container.get('objects');
    await objects.put('uploads', 'people/ana.jpg', new Uint8Array(1234));
    const r = await h
      .client()
      .send(new DetectFacesCommand({ Image: { S3Object: { Bucket: 'uploads', Name: 'people/ana.jpg' } } }));
    assert.deepEqual(r.FaceDetails, []);
    assert.equal(seen.at(-1), 1234);
  });

  test('an object that does not exist, or a bucket name the store cannot hold, is InvalidS3ObjectException', async () => {
    for (const S3Object of [
      { Bucket: 'uploads', Name: 'people/nobody.jpg' },
      { Bucket: 'Not_A_Bucket', Name: 'x.jpg' },
    ]) {
      const e = await h
        .client()
        .send(new DetectFacesCommand({ Image: { S3Object } }))
        .then(
          () => assert.fail('expected InvalidS3ObjectException'),
          (err: unknown) => err as RekognitionServiceException,
        );
      assert.equal(e.name, 'InvalidS3ObjectException', S3Object.Bucket);
    }
  });
});
