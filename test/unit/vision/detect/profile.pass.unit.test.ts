// The profile pass's pure parts: SSD output decoding, the turn cues from 68 landmarks, the profile pose, the
// Rekognition landmark names, and the reasons IndexFaces gives a face without a descriptor.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSsd, SSD_INPUT } from '../../../../src/vision/detect/ssd.detector.ts';
import { profilePose, rekognitionLandmarks68, turnCues } from '../../../../src/vision/detect/profile.landmarks.ts';
import { samePads } from '../../../../src/vision/convert/faceapi.layers.ts';
import { indexReasons, noDescriptorReason } from '../../../../src/collections/quality.filter.ts';
import type { DetectedFace } from '../../../../src/vision/vision.types.ts';

/** 68 points: every point at (x, y), then the eye rings and nose tip where given. */
function points(eyeL: [number, number], eyeR: [number, number], nose: [number, number]): Float32Array {
  const p = new Float32Array(136).fill(50);
  for (let i = 36; i <= 41; i++) [p[2 * i], p[2 * i + 1]] = eyeL;
  for (let i = 42; i <= 47; i++) [p[2 * i], p[2 * i + 1]] = eyeR;
  [p[60], p[61]] = nose;
  return p;
}

const face = (over: Partial<DetectedFace>): DetectedFace => ({
  box: { left: 0.1, top: 0.1, width: 0.5, height: 0.5 },
  confidence: 99,
  landmarks: [],
  pose: { roll: 0, yaw: 0, pitch: 0 },
  quality: { brightness: 50, sharpness: 80 },
  widthPx: 200,
  heightPx: 240,
  ...over,
});

describe('decodeSsd', () => {
  test('keeps candidates at or above the score, in input pixels, and merges overlapping ones', () => {
    // (top, left, bottom, right) ratios: two overlapping boxes, one apart, one below the score.
    const boxes = Float32Array.from([0.1, 0.1, 0.5, 0.4, 0.11, 0.1, 0.5, 0.41, 0.6, 0.6, 0.9, 0.8, 0.2, 0.2, 0.3, 0.3]);
    const scores = Float32Array.from([0.9, 0.8, 0.6, 0.3]);
    const got = decodeSsd(boxes, scores, 0.5);
    assert.equal(got.length, 2);
    assert.ok(Math.abs(got[0]!.score - 0.9) < 1e-6);
    const { x, y, width, height } = got[0]!.rect;
    assert.deepEqual(
      [x, y, width, height].map((v) => Math.round(v)),
      [0.1 * SSD_INPUT, 0.1 * SSD_INPUT, 0.3 * SSD_INPUT, 0.4 * SSD_INPUT].map(Math.round),
    );
    assert.ok(Math.abs(got[1]!.score - 0.6) < 1e-6);
  });

  test('drops degenerate boxes', () => {
    assert.deepEqual(decodeSsd(Float32Array.from([0.5, 0.5, 0.4, 0.6]), Float32Array.from([0.99]), 0.5), []);
  });
});

describe('profile landmarks', () => {
  const box = { x: 0, y: 0, width: 100, height: 120 };

  test('a frontal face has wide-set eyes and a centred nose; a profile crowded eyes and a nose at one side', () => {
    const frontal = turnCues(points([30, 50], [75, 50], [52, 70]), box);
    assert.ok(Math.abs(frontal.eyeSpacing - 0.45) < 1e-6 && Math.abs(frontal.noseOffset - 0.02) < 1e-6);
    const right = turnCues(points([60, 50], [80, 50], [98, 70]), box);
    assert.ok(right.eyeSpacing < 0.3 && right.noseOffset > 0.4);
  });

  test('profilePose: yaw ±90 to the nose side, roll and pitch unknown (0)', () => {
    assert.deepEqual(profilePose(0.45), { yaw: 90, pitch: 0, roll: 0 });
    assert.deepEqual(profilePose(-0.3), { yaw: -90, pitch: 0, roll: 0 });
  });

  test('rekognitionLandmarks68 gives every Rekognition landmark type, as ratios of the image', () => {
    const lm = rekognitionLandmarks68(points([30, 50], [75, 50], [52, 70]), 200, 100);
    assert.equal(lm.length, 30);
    assert.equal(new Set(lm.map((l) => l.type)).size, 30);
    const eyeLeft = lm.find((l) => l.type === 'eyeLeft')!;
    assert.deepEqual([eyeLeft.x, eyeLeft.y], [0.15, 0.5]);
  });
});

describe('TF same padding', () => {
  test('stride 2 on an even size pads after only; stride 1 pads both sides', () => {
    assert.deepEqual(samePads(512, 3, 2), [0, 1, 256]);
    assert.deepEqual(samePads(7, 3, 1), [1, 1, 7]);
    assert.deepEqual(samePads(1, 3, 2), [1, 1, 1]);
  });
});

describe('IndexFaces reasons for a face without a descriptor', () => {
  test('a profile (yaw 90) is EXTREME_POSE under every filter, NONE included, and only that', () => {
    const profile = face({ pose: { roll: 0, yaw: -90, pitch: 0 }, profile: true });
    assert.equal(noDescriptorReason(profile), 'EXTREME_POSE');
    for (const filter of ['NONE', 'AUTO', 'LOW'] as const)
      assert.deepEqual(indexReasons(profile, filter), ['EXTREME_POSE']);
  });

  test('a frontal face without a descriptor is LOW_FACE_QUALITY; with one it passes AUTO', () => {
    assert.deepEqual(indexReasons(face({}), 'NONE'), ['LOW_FACE_QUALITY']);
    assert.deepEqual(indexReasons(face({ descriptor: new Float32Array(4).fill(0.5) }), 'AUTO'), []);
  });
});
