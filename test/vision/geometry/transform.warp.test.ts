import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyAffine,
  compose,
  fitSimilarity,
  invertAffine,
  rotationAbout,
  type Affine,
  type Point,
} from '../../../src/vision/geometry/similarity.transform.ts';
import {
  halve,
  toLuma,
  toTensor,
  warpAffine,
  warpAffineAntialiased,
} from '../../../src/vision/geometry/affine.warp.ts';
import type { RgbImage } from '../../../src/vision/embed/embedder.port.ts';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

/** A w×h image whose red channel is x, green y, blue 7 (a ramp that makes sampling errors visible). */
function ramp(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x, y, 7], (y * w + x) * 3);
  return { data, width: w, height: h };
}
const px = (img: RgbImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('similarity transform', () => {
  test('recovers a known rotation + scale + translation exactly from five points', () => {
    const truth: Affine = compose([1, 0, 30, 0, 1, -12], rotationAbout(0.4, [0, 0], 1.7));
    const from: Point[] = [
      [38, 52],
      [74, 51],
      [56, 72],
      [42, 92],
      [70, 92],
    ];
    const to = from.map((p) => applyAffine(truth, p));
    const fit = fitSimilarity(from, to);
    fit.forEach((v, i) => close(v, truth[i]!));
  });

  test('is the least-squares fit when the points do not match a similarity exactly', () => {
    const from: Point[] = [
      [0, 0],
      [10, 0],
      [0, 10],
      [10, 10],
    ];
    const to: Point[] = [
      [1, 0],
      [11, 0],
      [0, 10],
      [10, 10],
    ];
    const residual = (m: Affine) =>
      from.reduce((s, p, i) => {
        const q = applyAffine(m, p);
        return s + (q[0] - to[i]![0]) ** 2 + (q[1] - to[i]![1]) ** 2;
      }, 0);
    const fit = fitSimilarity(from, to);
    const best = residual(fit);
    // Nudging any of the four similarity parameters (a, b, tx, ty) must not lower the squared error.
    const [a, , tx, b, , ty] = fit;
    for (const [da, db, dx, dy] of [
      [1e-3, 0, 0, 0],
      [-1e-3, 0, 0, 0],
      [0, 1e-3, 0, 0],
      [0, -1e-3, 0, 0],
      [0, 0, 1e-2, 0],
      [0, 0, -1e-2, 0],
      [0, 0, 0, 1e-2],
      [0, 0, 0, -1e-2],
    ] as const) {
      const m: Affine = [a + da, -(b + db), tx + dx, b + db, a + da, ty + dy];
      assert.ok(residual(m) > best, `perturbation ${[da, db, dx, dy].join(',')} lowered the error`);
    }
    assert.ok(best > 0, 'the points were chosen so that no similarity fits exactly');
  });

  test('refuses fewer than two points or coincident points', () => {
    assert.throws(() => fitSimilarity([[1, 1]], [[2, 2]]), RangeError);
    assert.throws(
      () =>
        fitSimilarity(
          [
            [1, 1],
            [1, 1],
          ],
          [
            [0, 0],
            [5, 5],
          ],
        ),
      RangeError,
    );
  });

  test('invertAffine undoes a transform', () => {
    const m = rotationAbout(1.1, [40, 20], 0.8);
    const p = applyAffine(invertAffine(m), applyAffine(m, [13, 77]));
    close(p[0], 13);
    close(p[1], 77);
  });
});

describe('warpAffine', () => {
  test('the identity copies pixels exactly', () => {
    const img = ramp(20, 10);
    const out = warpAffine(img, [1, 0, 0, 0, 1, 0], 20, 10);
    assert.deepEqual(out.data, img.data);
  });

  test('a translation crops, and pixels outside the source take the fill value', () => {
    const out = warpAffine(ramp(20, 10), [1, 0, 5, 0, 1, 3], 20, 10, 99);
    assert.deepEqual(px(out, 0, 0), [5, 3, 7]);
    assert.deepEqual(px(out, 19, 9), [99, 99, 99]);
  });

  test('samples bilinearly between pixels', () => {
    const out = warpAffine(ramp(20, 10), [1, 0, 0.5, 0, 1, 0.5], 4, 4);
    assert.deepEqual(px(out, 2, 2), [3, 3, 7]); // 2.5 rounds up
  });

  test('a 90° rotation about the centre maps a row to a column', () => {
    const img = ramp(11, 11);
    const m = rotationAbout(Math.PI / 2, [5.5, 5.5]);
    const out = warpAffine(img, m, 11, 11);
    // dst (x, y) reads src (5.5 − (y − 5.5), x) for the centres: dst (3, 5) → src x = 5, y = 3.
    assert.deepEqual(px(out, 3, 5), [5, 3, 7]);
  });

  test('antialiased downscale averages instead of skipping pixels', () => {
    const data = new Uint8Array(64 * 64 * 3);
    for (let i = 0; i < 64 * 64; i++) data.fill(((i % 64) + Math.floor(i / 64)) % 2 ? 255 : 0, i * 3, i * 3 + 3);
    const checker: RgbImage = { data, width: 64, height: 64 };
    const out = warpAffineAntialiased(checker, [8, 0, 0, 0, 8, 0], 8, 8, 1 / 8);
    for (const v of out.data) assert.ok(v > 100 && v < 155, `checkerboard should average to grey, got ${v}`);
    assert.deepEqual([halve(checker).width, halve(checker).height], [32, 32]);
  });
});

describe('tensor conversion', () => {
  test('toTensor applies mean, scale and channel order', () => {
    const img: RgbImage = { data: new Uint8Array([10, 20, 30]), width: 1, height: 1 };
    assert.deepEqual(Array.from(toTensor(img, { mean: [1, 2, 3], scale: 0.5 })), [4.5, 9, 13.5]);
    assert.deepEqual(Array.from(toTensor(img, { bgr: true })), [30, 20, 10]);
  });
  test('toLuma weights green most', () => {
    const img: RgbImage = { data: new Uint8Array([0, 255, 0, 0, 0, 255]), width: 2, height: 1 };
    const l = toLuma(img);
    assert.ok(l[0]! > 149 && l[0]! < 150 && l[1]! < 30);
  });
});
