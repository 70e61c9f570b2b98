import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracyAt,
  bestThreshold,
  kFoldAccuracy,
  ratesAt,
  rocAuc,
  tarAtFar,
  type ScoredPair,
} from '../../../../src/vision/eval/lfw.metrics.ts';

const sp = (score: number, same: boolean, fold = 0): ScoredPair => ({ score, same, fold });

describe('LFW metrics', () => {
  test('bestThreshold separates perfectly separable scores between the classes', () => {
    const pairs = [sp(0.1, false), sp(0.2, false), sp(0.7, true), sp(0.9, true)];
    const t = bestThreshold(pairs);
    assert.ok(t > 0.2 && t < 0.7, `threshold ${t}`);
    assert.equal(accuracyAt(pairs, t), 1);
  });

  test('bestThreshold maximises accuracy when the classes overlap', () => {
    // Best is between 0.4 and 0.5: one error (the impostor at 0.6).
    const pairs = [
      sp(0.1, false),
      sp(0.3, false),
      sp(0.4, false),
      sp(0.6, false),
      sp(0.5, true),
      sp(0.8, true),
      sp(0.9, true),
    ];
    const t = bestThreshold(pairs);
    assert.equal(accuracyAt(pairs, t), 6 / 7);
  });

  test('kFoldAccuracy picks each fold threshold on the other folds only', () => {
    // Folds 0 and 1 say the boundary is near 0.5; fold 2 is shifted (boundary near 0.85) and is judged with 0.5.
    const pairs = [
      sp(0.2, false, 0),
      sp(0.8, true, 0),
      sp(0.3, false, 1),
      sp(0.7, true, 1),
      sp(0.6, false, 2),
      sp(0.9, true, 2),
    ];
    const r = kFoldAccuracy(pairs);
    assert.equal(r.perFold.length, 3);
    assert.equal(r.perFold[2], 0.5, 'the shifted fold loses its impostor');
    assert.equal(r.perFold[0], 1);
    assert.ok(Math.abs(r.mean - 2.5 / 3) < 1e-12);
    assert.ok(r.std > 0);
  });

  test('rocAuc is 1 for separable scores, 0.5 for identical scores and 0 when reversed', () => {
    assert.equal(rocAuc([sp(0.1, false), sp(0.9, true)]), 1);
    assert.equal(rocAuc([sp(0.5, false), sp(0.5, true)]), 0.5);
    assert.equal(rocAuc([sp(0.9, false), sp(0.1, true)]), 0);
    // 2 genuine × 2 impostor: one of the 4 orderings is wrong.
    assert.equal(rocAuc([sp(0.1, false), sp(0.6, false), sp(0.5, true), sp(0.9, true)]), 0.75);
  });

  test('tarAtFar allows floor(far × impostors) false accepts', () => {
    const impostors = Array.from({ length: 100 }, (_, i) => sp(i / 100, false));
    const genuine = [sp(0.985, true), sp(0.995, true), sp(0.5, true), sp(1.5, true)];
    const r = tarAtFar([...impostors, ...genuine], 0.01);
    assert.equal(r.threshold, 0.98, 'one impostor (0.99) may pass');
    assert.equal(r.far, 0.01);
    assert.equal(r.tar, 3 / 4);
    const strict = tarAtFar([...impostors, ...genuine], 0.001);
    assert.equal(strict.far, 0);
    assert.equal(strict.tar, 2 / 4);
  });

  test('ratesAt counts scores at the threshold as accepted', () => {
    const r = ratesAt([sp(0.5, false), sp(0.4, false), sp(0.5, true), sp(0.3, true)], 0.5);
    assert.deepEqual(r, { far: 0.5, tar: 0.5 });
  });
});
