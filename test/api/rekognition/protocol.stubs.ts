// Stubs with known outputs for the protocol and error tests: an engine whose scene is picked by the image's first
// byte, an object store with one object, and a collection service that fails on cue.
import assert from 'node:assert/strict';
import type { RekognitionServiceException } from '@aws-sdk/client-rekognition';
import type { CollectionService } from '../../../src/collections/collection.service.ts';
import { FacegateError } from '../../../src/errors.ts';
import type { ObjectStore } from '../../../src/storage/object-store.port.ts';
import type { DetectedFace, FaceEngine } from '../../../src/vision/vision.types.ts';

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
export const stubEngine: FaceEngine = {
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
export const stubObjects = {
  async get(bucket: string, key: string) {
    const body = objects.get(`${bucket}/${key}`);
    return body ? { body, info: { bucket, key, size: body.byteLength, lastModified: new Date(0) } } : undefined;
  },
} as unknown as ObjectStore;
export const stubCollections = {
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

export const img = (first: number) => ({ Bytes: new Uint8Array([first, ...PNG]) });

export async function sdkError(p: Promise<unknown>): Promise<RekognitionServiceException> {
  try {
    await p;
  } catch (e) {
    return e as RekognitionServiceException;
  }
  assert.fail('expected the call to fail');
}
