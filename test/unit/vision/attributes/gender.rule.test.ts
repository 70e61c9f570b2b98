// The Gender rule (faceres and face-api fused on the logit scale) and face-api's crop.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GENDER_RULE,
  genderConfidence,
  genderMargin,
  genderOf,
} from '../../../../src/vision/attributes/gender.rule.ts';
import { FACEAPI_INPUT, faceApiCrop } from '../../../../src/vision/attributes/faceapi.gender.ts';

const logit = (p: number) => Math.log(p / (1 - p));

describe('gender rule', () => {
  test('the margin is the weighted mean of the two logits (each of face and mirror) minus the threshold', () => {
    const m = genderMargin([0.8, 0.6], [0.9, 0.9]);
    const want = GENDER_RULE.weight * logit(0.7) + (1 - GENDER_RULE.weight) * logit(0.9) - GENDER_RULE.threshold;
    assert.ok(Math.abs(m - want) < 1e-9);
  });

  test('both models sure → that gender, confident; they disagree → the surer one wins, less confident', () => {
    assert.deepEqual(genderOf([0.99, 0.99], [0.99, 0.99]), { value: 'Male', confidence: 99.9 });
    assert.equal(genderOf([0.01, 0.01], [0.02, 0.02]).value, 'Female');
    assert.ok(genderOf([0.01, 0.01], [0.02, 0.02]).confidence >= 99.8);
    // faceres leans male only mildly (its head leans male: 0.7 is near its own best threshold); face-api says female.
    const split = genderOf([0.7, 0.7], [0.1, 0.1]);
    assert.equal(split.value, 'Female');
    assert.ok(split.confidence < 99);
    // Probabilities of exactly 0 or 1 do not give infinities.
    assert.ok(Number.isFinite(genderMargin([1, 1], [0, 0])));
  });

  test('confidence is the measured accuracy by distance from the line: 50 at it, monotone, at most 99.9', () => {
    assert.equal(genderConfidence(0), 50);
    let prev = 0;
    for (let m = 0; m <= 8; m += 0.05) {
      const c = genderConfidence(m);
      assert.ok(c >= prev && c <= 99.9, `${m}: ${c}`);
      assert.equal(genderConfidence(-m), c);
      prev = c;
    }
    assert.equal(genderConfidence(10), 99.9);
  });
});

describe("face-api's crop", () => {
  test('112², the 68-point box enlarged 1.2× and padded with black to a centred square', () => {
    // A grey 200×200 image and a flat "mesh" whose points span x 80–120, y 50–150 (a tall box).
    const image = { data: new Uint8Array(200 * 200 * 3).fill(128), width: 200, height: 200 };
    const mesh = new Float32Array(468 * 3);
    for (let i = 0; i < 468; i++) {
      mesh[3 * i] = 80 + (i % 2) * 40;
      mesh[3 * i + 1] = 50 + (i % 3 === 0 ? 100 : 0);
    }
    const crop = faceApiCrop(image, mesh);
    assert.deepEqual([crop.width, crop.height], [FACEAPI_INPUT, FACEAPI_INPUT]);
    const at = (x: number, y: number) => crop.data[3 * (y * FACEAPI_INPUT + x)]!;
    // Box 48 × 120 after padding: the square is 120 wide, the box its middle 40%; the sides are black.
    assert.equal(at(56, 56), 128);
    assert.equal(at(5, 56), 0);
    assert.equal(at(106, 56), 0);
    assert.equal(at(56, 2), 128);
  });
});
