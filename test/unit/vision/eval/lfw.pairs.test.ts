import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pairImages, parsePairs } from '../../../../src/vision/eval/lfw.pairs.ts';

const sample = ['2\t1', 'Ann\t1\t2', 'Ann\t1\tBob\t3', 'Cy\t2\t10', 'Bob\t3\tCy\t2', ''].join('\n');

describe('LFW pairs file', () => {
  test('reads folds of same-person then different-person lines with zero-padded image paths', () => {
    const p = parsePairs(sample);
    assert.equal(p.folds, 2);
    assert.equal(p.perFold, 1);
    assert.deepEqual(p.pairs[0], { fold: 0, same: true, a: 'Ann/Ann_0001.jpg', b: 'Ann/Ann_0002.jpg' });
    assert.deepEqual(p.pairs[1], { fold: 0, same: false, a: 'Ann/Ann_0001.jpg', b: 'Bob/Bob_0003.jpg' });
    assert.deepEqual(p.pairs[2], { fold: 1, same: true, a: 'Cy/Cy_0002.jpg', b: 'Cy/Cy_0010.jpg' });
    assert.equal(p.pairs[3]!.same, false);
  });

  test('lists each image once', () => {
    assert.deepEqual(pairImages(parsePairs(sample).pairs), [
      'Ann/Ann_0001.jpg',
      'Ann/Ann_0002.jpg',
      'Bob/Bob_0003.jpg',
      'Cy/Cy_0002.jpg',
      'Cy/Cy_0010.jpg',
    ]);
  });

  test('rejects a file whose pair count does not match its header', () => {
    assert.throws(() => parsePairs('2\t1\nAnn\t1\t2\n'), /header promises 4/);
  });

  test('rejects a different-person line where a same-person line belongs', () => {
    assert.throws(() => parsePairs('1\t1\nAnn\t1\tBob\t2\nAnn\t1\tBob\t2\n'), /same-person/);
  });
});
