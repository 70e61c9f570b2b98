import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { calibratedSimilarity, cosineForSimilarity, fitCalibration } from '../../../../src/vision/embed/similarity.ts';
import { DEFAULT_CALIBRATION } from '../../../../src/vision/embed/default.embedder.ts';

const knots = DEFAULT_CALIBRATION.knots;

describe('similarity calibration', () => {
  test('is monotone over the whole cosine range', () => {
    let prev = -Infinity;
    for (let c = -1; c <= 1.0000001; c += 0.001) {
      const s = calibratedSimilarity(c, knots);
      assert.ok(s >= prev, `not monotone at cosine ${c}`);
      prev = s;
    }
  });

  test('is bounded to 0–100, also for out-of-range and non-finite cosines', () => {
    for (const c of [-5, -1, 0, 1, 3, Number.NaN, Infinity]) {
      const s = calibratedSimilarity(c, knots);
      assert.ok(s >= 0 && s <= 100, `cosine ${c} → ${s}`);
    }
  });

  test('identical descriptors score about 100 and opposite ones 0', () => {
    assert.ok(calibratedSimilarity(1, knots) > 99.9);
    assert.equal(calibratedSimilarity(-1, knots), 0);
  });

  test('cosineForSimilarity inverts the map', () => {
    for (const s of [10, 50, 70, 80, 90, 99]) {
      assert.ok(Math.abs(calibratedSimilarity(cosineForSimilarity(s, knots), knots) - s) < 1e-9, `at ${s}`);
    }
  });

  test('a fit puts each similarity level at the impostor quantile of its false-accept rate', () => {
    // 100,000 impostor cosines spread evenly over [-0.5, 0.5): FAR 1e-2 sits near 0.49, 1e-4 near 0.4999.
    const imp = Array.from({ length: 100_000 }, (_, i) => -0.5 + i / 100_000);
    const fitted = fitCalibration(imp);
    const at = (sim: number) => fitted.find(([, s]) => s === sim)![0];
    assert.ok(Math.abs(at(60) - 0.49) < 1e-3, `60 at ${at(60)}`);
    assert.ok(Math.abs(at(50) - 0.4) < 1e-3, `50 at ${at(50)}`);
    const far80 = imp.filter((c) => calibratedSimilarity(c, fitted) >= 80).length / imp.length;
    assert.ok(far80 <= 1e-4 + 1e-5, `FAR at 80 is ${far80}`);
    for (let i = 1; i < fitted.length; i++) assert.ok(fitted[i]![0] > fitted[i - 1]![0], 'knots strictly increase');
  });
});
