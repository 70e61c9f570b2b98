import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLAZEFACE_ANCHOR_COUNT,
  arrangeOutputs,
  blazefaceAnchors,
  decodeBlazeface,
  mergeCandidates,
} from '../../../src/vision/detect/blazeface.decode.ts';
import { fullRegion, tileRegions, DEFAULT_BLAZEFACE_OPTIONS } from '../../../src/vision/detect/blazeface.detector.ts';
import { roiTransform } from '../../../src/vision/detect/facemesh.refiner.ts';
import { applyAffine } from '../../../src/vision/geometry/similarity.transform.ts';

describe('BlazeFace anchors and decoding', () => {
  test('there are 896 anchors: 16×16×2 at stride 16, then 8×8×6 at stride 32', () => {
    const a = blazefaceAnchors();
    assert.equal(a.length / 2, 896);
    assert.equal(BLAZEFACE_ANCHOR_COUNT, 896);
    assert.deepEqual([a[0], a[1], a[2], a[3], a[4]], [8, 8, 8, 8, 24]);
    assert.deepEqual([a[2 * 512], a[2 * 512 + 1]], [16, 16]);
    assert.deepEqual([a[2 * 895], a[2 * 895 + 1]], [240, 240]);
  });

  test('decodes a box and keypoints as offsets from the anchor centre, keeping only scores over the threshold', () => {
    const regressors = new Float32Array(896 * 16);
    const logits = new Float32Array(896).fill(-10);
    const i = 512 + 8 * 6 * 3 + 6 * 4; // stride-32 layer, row 3, column 4 → anchor (144, 112)
    logits[i] = 2;
    regressors.set([4, -2, 60, 70, -10, -5, 10, -5, 0, 5, 0, 15, -25, 0, 25, 0], i * 16);
    const out = decodeBlazeface(regressors, logits, 0.5);
    assert.equal(out.length, 1);
    const c = out[0]!;
    assert.deepEqual(c.rect, { x: 148 - 30, y: 110 - 35, width: 60, height: 70 });
    assert.ok(Math.abs(c.score - 1 / (1 + Math.exp(-2))) < 1e-6);
    assert.deepEqual(Array.from(c.keypoints.slice(0, 4)), [134, 107, 154, 107]);
    assert.equal(decodeBlazeface(regressors, logits, 0.95).length, 0);
  });

  test('arranges the four model outputs by shape (stride-16 rows first)', () => {
    const t = (rows: number, cols: number, v: number) => ({
      data: new Float32Array(rows * cols).fill(v),
      dims: [1, rows, cols],
    });
    const { regressors, logits } = arrangeOutputs([t(384, 1, 4), t(512, 16, 1), t(384, 16, 3), t(512, 1, 2)]);
    assert.deepEqual([regressors[0], regressors[512 * 16], logits[0], logits[512]], [1, 3, 2, 4]);
    assert.throws(() => arrangeOutputs([t(512, 1, 0)]), /missing/);
  });

  test('merges overlapping candidates into their score-weighted mean', () => {
    const kp = (v: number) => new Float32Array(12).fill(v);
    const merged = mergeCandidates([
      { rect: { x: 0, y: 0, width: 10, height: 10 }, score: 0.9, keypoints: kp(0) },
      { rect: { x: 1, y: 0, width: 10, height: 10 }, score: 0.9, keypoints: kp(2) },
    ]);
    assert.equal(merged.length, 1);
    assert.equal(merged[0]!.rect.x, 0.5);
    assert.equal(merged[0]!.keypoints[5], 1);
  });
});

describe('scan regions', () => {
  test('the full pass letterboxes the image into a centred square', () => {
    assert.deepEqual(fullRegion(600, 400), { x: 0, y: -100, width: 600, height: 600 });
  });

  test('tiles cover a large image with overlap and are skipped for small images', () => {
    assert.deepEqual(tileRegions(300, 200, DEFAULT_BLAZEFACE_OPTIONS), []);
    const tiles = tileRegions(1280, 720, DEFAULT_BLAZEFACE_OPTIONS);
    assert.ok(tiles.length >= 4);
    for (let x = 0; x < 1280; x += 37)
      for (let y = 0; y < 720; y += 29)
        assert.ok(
          tiles.some((t) => x >= t.x && x <= t.x + t.width && y >= t.y && y <= t.y + t.height),
          `(${x}, ${y}) is not covered`,
        );
  });
});

describe('mesh ROI transform', () => {
  test('maps the crop centre to the ROI centre and a crop axis along the rotated direction', () => {
    const m = roiTransform({ cx: 100, cy: 50, side: 192 * 2, angle: Math.PI / 2 }, 192);
    const c = applyAffine(m, [96, 96]);
    assert.ok(Math.abs(c[0] - 100) < 1e-9 && Math.abs(c[1] - 50) < 1e-9);
    const right = applyAffine(m, [97, 96]);
    assert.ok(Math.abs(right[0] - 100) < 1e-9 && Math.abs(right[1] - 52) < 1e-9, `${right.join(',')}`);
  });
});
