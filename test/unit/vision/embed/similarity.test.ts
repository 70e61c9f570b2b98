import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  calibratedSimilarity,
  cosineForSimilarity,
  fitAwsScale,
  fitCalibration,
} from '../../../../src/vision/embed/similarity.ts';
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

  test('the default keeps its anchors: 70, 80 and 90 at the cosines of LFW impostor FAR 1e-3, 1e-4 and 1e-5', () => {
    // Fitted on LFW folds 1–5 (docs/benchmarks.md); the AWS-scale refit must not move them: thresholds in use
    // (verify 80, proctor 85, duplicate check 70, FaceMatchThreshold 80) rely on their false-accept rates.
    assert.equal(calibratedSimilarity(0.4504, knots), 70);
    assert.equal(calibratedSimilarity(0.5276, knots), 80);
    assert.equal(calibratedSimilarity(0.592, knots), 90);
    assert.ok(Math.abs(cosineForSimilarity(85, knots) - (0.5276 + 0.592) / 2) < 1e-9);
  });

  test("the default's low end is AWS's: the LFW impostor median cosine (≈ 0.01) scores 1, FAR 1e-2 (0.35) 10", () => {
    assert.ok(Math.abs(calibratedSimilarity(0.0113, knots) - 1) < 1e-9);
    assert.ok(calibratedSimilarity(0.3493, knots) === 10);
    assert.ok(calibratedSimilarity(0.2, knots) < 5);
    assert.ok(calibratedSimilarity(0.7702, knots) === 99);
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

describe('AWS-scale fit', () => {
  // Impostor cosines spread evenly over [-0.3, 0.5), genuine over [0.4, 0.9): a stand-in for a descriptor's pairs.
  const imp = Array.from({ length: 100_000 }, (_, i) => -0.3 + (0.8 * i) / 100_000);
  const gen = Array.from({ length: 1_000 }, (_, i) => 0.4 + (0.5 * i) / 1_000);
  const anchors = [
    [0.5, 70],
    [0.52, 80],
    [0.55, 90],
  ] as const;
  const fitted = fitAwsScale(imp, gen, anchors);
  const sim = (c: number) => calibratedSimilarity(c, fitted);

  test('puts the impostor median at 1, FAR 1e-1 at 3 and FAR 1e-2 at 10', () => {
    const sorted = imp.map(sim).sort((a, b) => a - b);
    assert.ok(Math.abs(sorted[sorted.length >> 1]! - 1) < 0.01, `median ${sorted[sorted.length >> 1]}`);
    assert.ok(Math.abs(sorted[Math.floor(sorted.length * 0.9)]! - 3) < 0.01);
    assert.ok(Math.abs(sorted[Math.floor(sorted.length * 0.99)]! - 10) < 0.05);
  });

  test('keeps the anchors exactly and gives the median genuine pair 99', () => {
    for (const [c, s] of anchors) assert.ok(Math.abs(sim(c) - s) < 1e-9, `${c} → ${sim(c)}`);
    assert.ok(Math.abs(sim(0.65) - 99) < 0.01, `genuine median → ${sim(0.65)}`);
  });

  test('is strictly increasing in both coordinates, hence monotone, from (−1, 0) to (1, 100)', () => {
    for (let i = 1; i < fitted.length; i++) {
      assert.ok(fitted[i]![0] > fitted[i - 1]![0] && fitted[i]![1] > fitted[i - 1]![1], JSON.stringify(fitted));
    }
    assert.deepEqual(fitted[0], [-1, 0]);
    assert.deepEqual(fitted[fitted.length - 1], [1, 100]);
  });

  test('a low knot that would pass an anchor is held below it', () => {
    // Impostors so high that FAR 1e-2 lies above the 70 anchor's cosine.
    const high = Array.from({ length: 10_000 }, (_, i) => 0.3 + (0.4 * i) / 10_000);
    const k = fitAwsScale(high, gen, anchors);
    const at10 = k.find(([, s]) => s === 10)![0];
    assert.ok(at10 < 0.5, `10 at cosine ${at10}`);
    for (let i = 1; i < k.length; i++) assert.ok(k[i]![0] > k[i - 1]![0]);
  });

  test('refuses empty pair sets', () => {
    assert.throws(() => fitAwsScale([], gen, anchors), RangeError);
    assert.throws(() => fitAwsScale(imp, [], anchors), RangeError);
  });
});
