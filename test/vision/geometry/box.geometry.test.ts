import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  boundingRect,
  clipRect,
  enlargeRect,
  iou,
  meanRect,
  nms,
  toRatioBox,
  weightedNms,
  type Scored,
} from '../../../src/vision/geometry/box.geometry.ts';

const r = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });

describe('iou', () => {
  test('is 1 for identical boxes, 0 for disjoint or touching boxes', () => {
    assert.equal(iou(r(0, 0, 10, 10), r(0, 0, 10, 10)), 1);
    assert.equal(iou(r(0, 0, 10, 10), r(10, 0, 10, 10)), 0);
    assert.equal(iou(r(0, 0, 10, 10), r(50, 50, 5, 5)), 0);
  });
  test('is intersection over union for a half overlap (50 / 150)', () => {
    assert.ok(Math.abs(iou(r(0, 0, 10, 10), r(5, 0, 10, 10)) - 1 / 3) < 1e-12);
  });
  test('is 0 (not NaN) for empty boxes', () => {
    assert.equal(iou(r(0, 0, 0, 0), r(0, 0, 0, 0)), 0);
  });
});

describe('nms', () => {
  const items: Scored[] = [
    { rect: r(0, 0, 10, 10), score: 0.9 },
    { rect: r(1, 1, 10, 10), score: 0.8 },
    { rect: r(100, 100, 10, 10), score: 0.7 },
  ];
  test('drops the lower-scored of two overlapping boxes and keeps a distant one, best first', () => {
    const kept = nms(items, 0.3);
    assert.deepEqual(
      kept.map((k) => k.score),
      [0.9, 0.7],
    );
  });
  test('keeps overlapping boxes when their IoU is under the threshold', () => {
    assert.equal(nms(items, 0.95).length, 3);
  });
  test('weighted NMS averages a cluster by score', () => {
    const merged = weightedNms(
      [
        { rect: r(0, 0, 10, 10), score: 0.75 },
        { rect: r(2, 0, 10, 10), score: 0.25 },
        { rect: r(50, 50, 10, 10), score: 0.5 },
      ],
      0.3,
      (cluster, weights) => ({
        rect: meanRect(
          cluster.map((c) => c.rect),
          weights,
        ),
        score: cluster[0]!.score,
      }),
    );
    assert.equal(merged.length, 2);
    assert.ok(Math.abs(merged[0]!.rect.x - 0.5) < 1e-12, `x = ${merged[0]!.rect.x}`);
    assert.equal(merged[0]!.score, 0.75);
    assert.deepEqual(merged[1]!.rect, r(50, 50, 10, 10));
  });
});

describe('box helpers', () => {
  test('clipRect keeps the part inside the image and empties an outside box', () => {
    assert.deepEqual(clipRect(r(-5, -5, 20, 20), 10, 10), r(0, 0, 10, 10));
    assert.deepEqual(clipRect(r(20, 20, 5, 5), 10, 10), r(10, 10, 0, 0));
  });
  test('enlargeRect scales about the centre and can square the box', () => {
    assert.deepEqual(enlargeRect(r(10, 10, 10, 20), 2), r(5, 0, 20, 40));
    assert.deepEqual(enlargeRect(r(10, 10, 10, 20), 1, true), r(5, 10, 20, 20));
  });
  test('toRatioBox gives ratios of the image size, clipped to [0, 1]', () => {
    assert.deepEqual(toRatioBox(r(-10, 50, 100, 100), 200, 100), { left: 0, top: 0.5, width: 0.45, height: 0.5 });
  });
  test('boundingRect encloses interleaved points', () => {
    assert.deepEqual(boundingRect([3, 4, 1, 9, 7, 2]), r(1, 2, 6, 7));
    assert.deepEqual(boundingRect([5, 5, 9, 9, 9], 3), r(5, 5, 4, 4));
  });
});
