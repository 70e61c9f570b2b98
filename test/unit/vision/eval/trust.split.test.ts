import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fnv1a, lfwFoldPart, lfwImageParts, pathPart } from '../../../../src/vision/eval/trust.split.ts';
import { splitAccuracy } from '../../../../src/vision/eval/lfw.metrics.ts';
import { cascade } from '../../../../src/vision/eval/lfw.cascade.ts';
import { collectionThreshold } from '../../../../src/vision/embed/similarity.ts';

describe('choose / confirm split', () => {
  test('LFW folds 1–3 choose, 4–5 confirm; an image used by both parts is a data error', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map(lfwFoldPart), ['choose', 'choose', 'choose', 'confirm', 'confirm']);
    const parts = lfwImageParts([
      { fold: 0, a: 'A/A_0001.jpg', b: 'A/A_0002.jpg', same: true },
      { fold: 4, a: 'B/B_0001.jpg', b: 'C/C_0001.jpg', same: false },
    ]);
    assert.equal(parts.get('A/A_0002.jpg'), 'choose');
    assert.equal(parts.get('C/C_0001.jpg'), 'confirm');
    assert.throws(
      () =>
        lfwImageParts([
          { fold: 0, a: 'A/A_0001.jpg', b: 'A/A_0002.jpg', same: true },
          { fold: 3, a: 'A/A_0001.jpg', b: 'C/C_0001.jpg', same: false },
        ]),
      RangeError,
    );
  });

  test('path parts are a fixed hash: FNV-1a test vectors, and both parts occur', () => {
    assert.equal(fnv1a(''), 0x811c9dc5);
    assert.equal(fnv1a('a'), 0xe40c292c);
    const parts = new Set(Array.from({ length: 20 }, (_, i) => pathPart(`photo${i}.jpg`)));
    assert.deepEqual([...parts].sort(), ['choose', 'confirm']);
  });
});

describe('split accuracy and cascades', () => {
  // Choose folds separate at 0.5; the confirm fold has one genuine pair at 0.45 that only the expensive score fixes.
  const cheap = [
    ...[0, 1, 2].flatMap((fold) => [
      { fold, same: true, score: 0.8 },
      { fold, same: false, score: 0.2 },
    ]),
    { fold: 3, same: true, score: 0.45 },
    { fold: 3, same: false, score: 0.1 },
  ];
  const expensive = cheap.map((p) => ({ ...p, score: p.same ? 0.9 : 0.1 }));
  const choose = (f: number) => f < 3;

  test('the confirm fold is scored at the threshold chosen on the choose folds', () => {
    const r = splitAccuracy(cheap, choose);
    assert.equal(r.choose.mean, 1);
    assert.equal(r.confirm.mean, 0.5);
  });

  test('a cascade never looks at the confirm folds to choose its band', () => {
    const r = cascade(cheap, expensive, choose);
    assert.equal(r.choose.accuracy, 1);
    // On choose every band scores 1, so the narrowest (no escalation) is kept and the confirm miss stays.
    assert.equal(r.band, 0);
    assert.equal(r.confirm.accuracy, 0.5);
  });
});

describe('collection threshold', () => {
  test('70 for one face, +10 per decade of faces, capped at 95', () => {
    assert.equal(collectionThreshold(1), 70);
    assert.equal(collectionThreshold(10), 80);
    assert.equal(collectionThreshold(100), 90);
    assert.equal(collectionThreshold(10_000_000), 95);
    assert.equal(collectionThreshold(0), 70);
  });
});
