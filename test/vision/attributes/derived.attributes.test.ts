import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { flag } from '../../../src/vision/attributes/mesh.attributes.ts';
import { appearance } from '../../../src/vision/attributes/appearance.attributes.ts';
import { calibrate, cosine } from '../../../src/vision/face.descriptor.ts';
import { FacegateError } from '../../../src/errors.ts';

describe('derived attribute flags', () => {
  test('confidence is 50 at the threshold and grows to the cap with distance', () => {
    assert.deepEqual(flag(0.5, 0.5, 0.2), { value: true, confidence: 50 });
    assert.deepEqual(flag(0.2, 0.5, 0.2, 90), { value: false, confidence: 90 });
    assert.equal(flag(0.6, 0.5, 0.2, 90).confidence, 70);
  });

  test('eye regions darker than cheeks and forehead mean sunglasses, which are also eyeglasses', () => {
    const base = {
      eyeDarkness: 0.7,
      eyeToForehead: 0.7,
      frameEdges: 3,
      chinDarkness: 1,
      chinTexture: 1,
      lipDarkness: 1,
      lipTexture: 1,
    };
    const plain = appearance(base);
    assert.deepEqual(
      [plain.sunglasses.value, plain.eyeglasses.value, plain.beard.value, plain.mustache.value],
      [false, false, false, false],
    );
    const sun = appearance({ ...base, eyeDarkness: 0.2, eyeToForehead: 0.2 });
    assert.deepEqual([sun.sunglasses.value, sun.eyeglasses.value], [true, true]);
    assert.equal(appearance({ ...base, frameEdges: 35 }).eyeglasses.value, true);
    assert.equal(appearance({ ...base, chinDarkness: 0.4, chinTexture: 4 }).beard.value, true);
  });
});

describe('similarity calibration', () => {
  test('cosine of equal vectors is 1, of opposite −1, of orthogonal 0', () => {
    const a = new Float32Array([1, 0, 0]);
    assert.equal(cosine(a, a), 1);
    assert.equal(cosine(a, new Float32Array([-2, 0, 0])), -1);
    assert.equal(cosine(a, new Float32Array([0, 3, 0])), 0);
    assert.throws(
      () => cosine(a, new Float32Array(2)),
      (e: unknown) => e instanceof FacegateError && e.code === 'MODEL_MISMATCH',
    );
  });

  test('calibrate interpolates between anchors and clamps outside them', () => {
    const anchors = [
      [-1, 0],
      [0.5, 50],
      [1, 100],
    ] as const;
    assert.equal(calibrate(-3, anchors), 0);
    assert.equal(calibrate(0.5, anchors), 50);
    assert.equal(calibrate(0.75, anchors), 75);
    assert.equal(calibrate(2, anchors), 100);
  });
});
