// The wire protocol through the real AWS SDK: signing, error shapes, validation, image input, response mapping.
// The engine here is a stub with known outputs, so these tests pin the adapter (the real engine is exercised in
// sdk.engine.test.ts).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompareFacesCommand,
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  ListCollectionsCommand,
  CreateCollectionCommand,
  type FaceDetail,
  type RekognitionServiceException,
} from '@aws-sdk/client-rekognition';
import type { CollectionService } from '../../../src/collections/collection.service.ts';
import { FacegateError } from '../../../src/errors.ts';
import { bodyLimitFor } from '../../../src/server/app.ts';
import type { ObjectStore } from '../../../src/storage/object-store.port.ts';
import type { DetectedFace, FaceEngine } from '../../../src/vision/vision.types.ts';
import { startServer, KEY, type Harness } from './rekognition.harness.ts';

const PNG = Buffer.from('89504e470d0a1a0a', 'hex');
const face = (left: number, descriptor: number[]): DetectedFace => ({
  box: { left, top: 0.1, width: 0.3, height: 0.4 },
  confidence: 99.5,
  landmarks: [
    { type: 'eyeLeft', x: left + 0.1, y: 0.2 },
    { type: 'eyeRight', x: left + 0.2, y: 0.2 },
  ],
  pose: { roll: 1, yaw: -2, pitch: 3 },
  quality: { brightness: 70, sharpness: 80 },
  widthPx: 100,
  heightPx: 130,
  descriptor: new Float32Array(descriptor),
  attributes: {
    ageRange: { low: 25, high: 35 },
    gender: { value: 'Female', confidence: 90 },
    emotions: [
      { type: 'CALM', confidence: 80 },
      { type: 'HAPPY', confidence: 15 },
    ],
    smile: { value: false, confidence: 85 },
    eyesOpen: { value: true, confidence: 95 },
    mouthOpen: { value: false, confidence: 90 },
    eyeglasses: { value: false, confidence: 97 },
    sunglasses: { value: false, confidence: 99 },
    beard: { value: false, confidence: 93 },
    mustache: { value: false, confidence: 94 },
    faceOccluded: { value: false, confidence: 91 },
    eyeDirection: { yaw: 1.5, pitch: -3, confidence: 88 },
  },
});

/** Images are told apart by their first byte: 1 → one face A, 2 → faces A' and B, 3 → no face, 4 → A and a blurred
 * B; 9 → internal fault. */
const stubEngine: FaceEngine = {
  faceModelVersion: 'stub-1',
  descriptorSize: 2,
  async analyze(image, options) {
    if (image[0] === 9) throw new Error('disk exploded at /secret/place');
    const blurred = { ...face(0.5, [0, 1]), quality: { brightness: 70, sharpness: 2 } };
    const faces =
      image[0] === 1
        ? [face(0.1, [1, 0])]
        : image[0] === 2
          ? [face(0.1, [0.96, 0.28]), face(0.5, [0, 1])]
          : image[0] === 4
            ? [face(0.1, [1, 0]), blurred]
            : [];
    return {
      image: { width: 640, height: 480, format: 'jpeg', orientation: 1 },
      faces: faces
        .slice(0, options?.maxFaces ?? 100)
        .map((f) => (options?.attributes ? f : { ...f, attributes: undefined })),
    };
  },
  async labels(_image, options) {
    return [
      {
        name: 'Person',
        confidence: 97,
        instances: [{ box: { left: 0.1, top: 0.1, width: 0.5, height: 0.8 }, confidence: 97 }],
        parents: [],
        categories: ['Person Description'],
      },
      {
        name: 'Cell Phone',
        confidence: 60,
        instances: [],
        parents: ['Electronics', 'Phone'],
        categories: ['Technology and Computing'],
      },
    ].filter((l) => l.confidence >= (options?.minConfidence ?? 0));
  },
  async moderation() {
    return [{ name: 'Smoking', parentName: 'Drugs & Tobacco', confidence: 77, taxonomyLevel: 2 }];
  },
  similarity(a, b) {
    const cos = a[0]! * b[0]! + a[1]! * b[1]!;
    return Math.max(0, Math.min(100, cos * 100));
  },
  async close() {},
};

const objects = new Map<string, Uint8Array>([['photos/one.jpg', new Uint8Array([1, 2, 3])]]);
const stubObjects = {
  async get(bucket: string, key: string) {
    const body = objects.get(`${bucket}/${key}`);
    return body ? { body, info: { bucket, key, size: body.byteLength, lastModified: new Date(0) } } : undefined;
  },
} as unknown as ObjectStore;
const stubCollections = {
  async createCollection({ collectionId }: { collectionId: string }) {
    if (collectionId === 'taken')
      throw new FacegateError('ALREADY_EXISTS', `The collection id: ${collectionId} already exists`);
    return {
      collectionArn: `aws:rekognition:local:000000000000:collection/${collectionId}`,
      faceModelVersion: 'stub-1',
    };
  },
  async listCollections() {
    throw new FacegateError('INVALID_PAGINATION_TOKEN', 'The pagination token is invalid');
  },
} as unknown as CollectionService;

let h: Harness;
before(async () => {
  h = await startServer({ overrides: { engine: stubEngine, objects: stubObjects, collections: stubCollections } });
});
after(() => h.close());

const img = (first: number) => ({ Bytes: new Uint8Array([first, ...PNG]) });

async function sdkError(p: Promise<unknown>): Promise<RekognitionServiceException> {
  try {
    await p;
  } catch (e) {
    return e as RekognitionServiceException;
  }
  assert.fail('expected the call to fail');
}

describe('Rekognition protocol through the AWS SDK', () => {
  test('DetectFaces DEFAULT returns the default FaceDetail fields only', async () => {
    const r = await h.client().send(new DetectFacesCommand({ Image: img(1) }));
    assert.equal(r.FaceDetails?.length, 1);
    const d = r.FaceDetails![0]!;
    assert.deepEqual(d.BoundingBox, { Width: 0.3, Height: 0.4, Left: 0.1, Top: 0.1 });
    assert.deepEqual(d.Pose, { Roll: 1, Yaw: -2, Pitch: 3 });
    assert.deepEqual(d.Quality, { Brightness: 70, Sharpness: 80 });
    assert.deepEqual(d.Landmarks?.[0], { Type: 'eyeLeft', X: 0.2, Y: 0.2 });
    assert.equal(d.Confidence, 99.5);
    assert.equal(d.AgeRange, undefined);
    assert.equal(d.Emotions, undefined);
  });

  test('DetectFaces ALL returns every attribute with the SDK types', async () => {
    const r = await h.client().send(new DetectFacesCommand({ Image: img(1), Attributes: ['ALL'] }));
    const d: FaceDetail = r.FaceDetails![0]!;
    assert.deepEqual(d.AgeRange, { Low: 25, High: 35 });
    assert.deepEqual(d.Gender, { Value: 'Female', Confidence: 90 });
    assert.deepEqual(d.Emotions?.[0], { Type: 'CALM', Confidence: 80 });
    for (const k of [
      'Smile',
      'EyesOpen',
      'MouthOpen',
      'Eyeglasses',
      'Sunglasses',
      'Beard',
      'Mustache',
      'FaceOccluded',
    ] as const) {
      const f = d[k] as { Value?: boolean; Confidence?: number } | undefined;
      assert.equal(typeof f?.Value, 'boolean', k);
      assert.equal(typeof f?.Confidence, 'number', k);
    }
    assert.deepEqual(d.EyeDirection, { Yaw: 1.5, Pitch: -3, Confidence: 88 });
  });

  test('DetectFaces with one named attribute adds only that one to the defaults', async () => {
    const r = await h.client().send(new DetectFacesCommand({ Image: img(1), Attributes: ['EMOTIONS'] }));
    const d = r.FaceDetails![0]!;
    assert.ok(d.Emotions && d.Emotions.length > 0);
    assert.equal(d.AgeRange, undefined);
    assert.ok(d.BoundingBox && d.Pose && d.Quality);
  });

  test('DetectFaces on an image without faces returns an empty list', async () => {
    const r = await h.client().send(new DetectFacesCommand({ Image: img(3) }));
    assert.deepEqual(r.FaceDetails, []);
  });

  test('CompareFaces splits target faces at the similarity threshold, best first', async () => {
    const r = await h.client().send(new CompareFacesCommand({ SourceImage: img(1), TargetImage: img(2) }));
    assert.deepEqual(r.SourceImageFace, {
      BoundingBox: { Width: 0.3, Height: 0.4, Left: 0.1, Top: 0.1 },
      Confidence: 99.5,
    });
    assert.equal(r.FaceMatches?.length, 1);
    assert.ok(Math.abs(r.FaceMatches![0]!.Similarity! - 96) < 1e-4);
    assert.equal(r.FaceMatches![0]!.Face?.BoundingBox?.Left, 0.1);
    assert.equal(r.UnmatchedFaces?.length, 1);
    assert.equal(r.UnmatchedFaces![0]!.BoundingBox?.Left, 0.5);
    const strict = await h
      .client()
      .send(new CompareFacesCommand({ SourceImage: img(1), TargetImage: img(2), SimilarityThreshold: 99 }));
    assert.equal(strict.FaceMatches?.length, 0);
    assert.equal(strict.UnmatchedFaces?.length, 2);
  });

  test('CompareFaces QualityFilter drops target faces below the bar; NONE (the default) keeps them', async () => {
    const all = await h.client().send(new CompareFacesCommand({ SourceImage: img(1), TargetImage: img(4) }));
    assert.equal((all.FaceMatches?.length ?? 0) + (all.UnmatchedFaces?.length ?? 0), 2);
    const high = await h
      .client()
      .send(new CompareFacesCommand({ SourceImage: img(1), TargetImage: img(4), QualityFilter: 'HIGH' }));
    assert.equal(high.FaceMatches?.length, 1);
    assert.deepEqual(high.UnmatchedFaces, []);
  });

  test('CompareFaces with no face in the source image is InvalidParameterException', async () => {
    const e = await sdkError(h.client().send(new CompareFacesCommand({ SourceImage: img(3), TargetImage: img(1) })));
    assert.equal(e.name, 'InvalidParameterException');
    assert.match(e.message, /no faces/);
    assert.equal(e.$metadata.httpStatusCode, 400);
  });

  test('DetectLabels maps names, instances, parents and categories, filtered by MinConfidence', async () => {
    const r = await h.client().send(new DetectLabelsCommand({ Image: img(1), MinConfidence: 55 }));
    assert.deepEqual(
      r.Labels?.map((l) => l.Name),
      ['Person', 'Cell Phone'],
    );
    assert.deepEqual(r.Labels![1]!.Parents, [{ Name: 'Electronics' }, { Name: 'Phone' }]);
    assert.deepEqual(r.Labels![0]!.Categories, [{ Name: 'Person Description' }]);
    assert.equal(r.Labels![0]!.Instances![0]!.BoundingBox?.Height, 0.8);
    const high = await h.client().send(new DetectLabelsCommand({ Image: img(1), MinConfidence: 90 }));
    assert.deepEqual(
      high.Labels?.map((l) => l.Name),
      ['Person'],
    );
  });

  test('DetectModerationLabels maps name, parent, confidence and taxonomy level', async () => {
    const r = await h.client().send(new DetectModerationLabelsCommand({ Image: img(1) }));
    assert.deepEqual(r.ModerationLabels, [
      { Confidence: 77, Name: 'Smoking', ParentName: 'Drugs & Tobacco', TaxonomyLevel: 2 },
    ]);
  });

  test('an image given as S3Object is read from the object store', async () => {
    const r = await h
      .client()
      .send(new DetectFacesCommand({ Image: { S3Object: { Bucket: 'photos', Name: 'one.jpg' } } }));
    assert.equal(r.FaceDetails?.length, 1);
  });

  test('a missing S3Object is InvalidS3ObjectException', async () => {
    const e = await sdkError(
      h.client().send(new DetectFacesCommand({ Image: { S3Object: { Bucket: 'photos', Name: 'nope.jpg' } } })),
    );
    assert.equal(e.name, 'InvalidS3ObjectException');
  });

  test('inline bytes over 5 MB are ImageTooLargeException', async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1).fill(1);
    const e = await sdkError(h.client().send(new DetectFacesCommand({ Image: { Bytes: big } })));
    assert.equal(e.name, 'ImageTooLargeException');
    assert.equal(e.$metadata.httpStatusCode, 400);
  });

  test('a body over the server limit is refused as ImageTooLargeException before it is read whole', async () => {
    const limit = bodyLimitFor(h.container.config.images.maxObjectBytes);
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
    assert.match((await res.json()).message, /RecognizeCelebrities/);
  });

  test('a body that is not JSON, or not base64 bytes, is InvalidParameterException', async () => {
    const res = await h.signedFetch('RekognitionService.DetectFaces', '{not json');
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidParameterException');
    const b64 = await h.signedFetch('RekognitionService.DetectFaces', JSON.stringify({ Image: { Bytes: '***' } }));
    assert.equal(b64.headers.get('x-amzn-errortype'), 'InvalidParameterException');
  });

  test('responses carry a request id the SDK reports', async () => {
    const r = await h.client().send(new DetectFacesCommand({ Image: img(3) }));
    assert.match(r.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
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
