// The sunglasses rule on measured feature values (bench/sunglasses.list.csv, bench/attributes.eval.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appearance, SUNGLASSES_BAR, sunglassesFlag } from '../../../../src/vision/attributes/appearance.attributes.ts';

const base = { frameEdges: 20, chinDarkness: 1, chinTexture: 1, lipDarkness: 1, lipTexture: 1 };

describe('sunglasses', () => {
  test('dark lenses: eyes much darker than cheeks and forehead → true, confident', () => {
    // photo10.jpeg measured 0.208 / 0.202.
    const f = sunglassesFlag({ eyeDarkness: 0.208, eyeToForehead: 0.202 });
    assert.equal(f.value, true);
    assert.ok(f.confidence >= 90 && f.confidence <= 98);
  });

  test("a cap's shadow darkens eyes and forehead alike → false (an LFW face: 0.224 / 0.601)", () => {
    assert.equal(sunglassesFlag({ eyeDarkness: 0.224, eyeToForehead: 0.601 }).value, false);
  });

  test('eyeglasses follow sunglasses (dark lenses are glasses too)', () => {
    const a = appearance({ ...base, frameEdges: 0, eyeDarkness: 0.1, eyeToForehead: 0.1 });
    assert.deepEqual(a.eyeglasses, a.sunglasses);
    assert.equal(a.sunglasses.value, true);
    const b = appearance({ ...base, frameEdges: 0, eyeDarkness: 0.6, eyeToForehead: 0.6 });
    assert.deepEqual([b.sunglasses.value, b.eyeglasses.value], [false, false]);
  });

  test('confidence of "false" grows away from the bar and stays in 60–95', () => {
    const near = sunglassesFlag({ eyeDarkness: SUNGLASSES_BAR + 0.01, eyeToForehead: 0 }).confidence;
    const far = sunglassesFlag({ eyeDarkness: 0.9, eyeToForehead: 0.9 }).confidence;
    assert.ok(near >= 60 && near < far && far <= 95, `${near} ${far}`);
  });
});
