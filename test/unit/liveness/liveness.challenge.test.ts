import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  auditFrames,
  judge,
  progress,
  TURN_DEGREES,
  type FrameScore,
} from '../../../src/liveness/liveness.challenge.ts';

const f = (yaw: number, liveness = 80, faces = 1, person = 0): FrameScore => ({
  faces,
  yaw,
  liveness,
  descriptor: Float32Array.of(person === 0 ? 1 : 0, person === 0 ? 0 : 1),
});
// Same person ↔ identical toy descriptors: dot 1 → 100, else 0.
const sim = (a: Float32Array, b: Float32Array) => (a[0]! * b[0]! + a[1]! * b[1]! > 0.5 ? 100 : 0);

describe('the head-movement challenge', () => {
  test('frontal plus a turn past the threshold each way passes; confidence is the mean anti-spoof score', () => {
    const v = judge([f(0, 60), f(-TURN_DEGREES, 80), f(TURN_DEGREES, 100)], sim);
    assert.deepEqual(v, { passed: true, reason: '', confidence: 80, reference: 0 });
  });

  test('a still sequence, a turn one way only, or too few one-face frames fail with confidence 0', () => {
    assert.match(judge([f(2), f(2), f(2), f(2)], sim).reason, /did not turn both ways/);
    assert.match(judge([f(0), f(-20), f(-25)], sim).reason, /did not turn both ways/);
    assert.match(judge([f(0), f(-20), f(20, 80, 2)], sim).reason, /2 frames with exactly one face/);
    assert.match(judge([f(-20), f(20), f(-30)], sim).reason, /no frontal frame/);
    assert.equal(judge([f(2), f(2), f(2)], sim).confidence, 0);
  });

  test('frames with no or several faces lower the confidence by their share', () => {
    const v = judge([f(0, 80), f(-20, 80), f(20, 80), f(0, 0, 0)], sim);
    assert.equal(v.confidence, 60);
  });

  test('a frame of another person fails the session', () => {
    assert.match(judge([f(0), f(-20, 80, 1, 1), f(20, 80, 1, 1)], sim).reason, /face changed/);
  });

  test('progress reports each part; audit frames are spread and never the reference', () => {
    assert.deepEqual(progress([f(0), f(-20)]), { frontal: true, left: true, right: false });
    const frames = [f(5), f(0), f(-20), f(-25), f(20), f(25)];
    const v = judge(frames, sim);
    assert.equal(v.reference, 1);
    const a = auditFrames(frames, v.reference, 2);
    assert.equal(a.length, 2);
    assert.ok(!a.includes(1));
    assert.deepEqual(auditFrames(frames, 1, 0), []);
  });
});
