import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUALITY_THRESHOLDS, qualityReasons } from '../../../src/collections/quality.filter.ts';
import type { DetectedFace } from '../../../src/vision/vision.types.ts';

const face = (over: Partial<DetectedFace> = {}): DetectedFace => ({
  box: { left: 0, top: 0, width: 0.5, height: 0.5 },
  confidence: 99,
  landmarks: [],
  pose: { roll: 0, yaw: 0, pitch: 0 },
  quality: { brightness: 55, sharpness: 80 },
  widthPx: 200,
  heightPx: 200,
  ...over,
});

test('a good face passes every filter; NONE passes anything', () => {
  for (const f of ['NONE', 'AUTO', 'LOW', 'MEDIUM', 'HIGH'] as const) assert.deepEqual(qualityReasons(face(), f), []);
  assert.deepEqual(qualityReasons(face({ confidence: 1, widthPx: 1 }), 'NONE'), []);
});

test('filters get stricter from LOW to HIGH', () => {
  const { LOW, MEDIUM, HIGH } = QUALITY_THRESHOLDS;
  for (const k of ['minConfidence', 'minBrightness', 'minSharpness', 'minFacePx', 'minFaceQuality'] as const) {
    assert.ok(LOW[k] <= MEDIUM[k] && MEDIUM[k] <= HIGH[k], k);
  }
  assert.ok(LOW.maxYaw >= MEDIUM.maxYaw && MEDIUM.maxYaw >= HIGH.maxYaw);
});

test('each failing signal gives its own reason', () => {
  assert.deepEqual(qualityReasons(face({ pose: { roll: 0, yaw: 0, pitch: 50 } }), 'MEDIUM'), ['EXTREME_POSE']);
  assert.deepEqual(qualityReasons(face({ widthPx: 30 }), 'MEDIUM'), ['SMALL_BOUNDING_BOX']);
  assert.deepEqual(qualityReasons(face({ confidence: 90 }), 'HIGH'), ['LOW_CONFIDENCE']);
  assert.deepEqual(qualityReasons(face({ quality: { brightness: 3, sharpness: 80 } }), 'AUTO'), ['LOW_BRIGHTNESS']);
  assert.deepEqual(qualityReasons(face({ quality: { brightness: 50, sharpness: 2 } }), 'AUTO'), ['LOW_SHARPNESS']);
  assert.deepEqual(qualityReasons(face({ quality: { brightness: 97, sharpness: 40 } }), 'HIGH'), ['LOW_FACE_QUALITY']);
});
