import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyAffine, type Point } from '../../../../src/vision/geometry/similarity.transform.ts';
import {
  alignedChip,
  ARCFACE_112,
  boxChip,
  chipTransform,
  DLIB_150,
  mirrored,
} from '../../../../src/vision/embed/face.align.ts';
import type { FaceGeometry, RgbImage } from '../../../../src/vision/embed/embedder.port.ts';

/** The template moved into an image by a known rotation (20°), scale (2.5) and shift. */
function faceFrom(template: readonly Point[]): FaceGeometry {
  const a = (20 * Math.PI) / 180;
  const s = 2.5;
  const pts = template.map(
    ([x, y]) =>
      [s * (Math.cos(a) * x - Math.sin(a) * y) + 300, s * (Math.sin(a) * x + Math.cos(a) * y) + 40] as [number, number],
  );
  return { box: { x: 0, y: 0, width: 10, height: 10 }, points5: pts };
}

function solid(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { data, width, height };
}

describe('face alignment', () => {
  for (const [name, template] of [
    ['ArcFace 112', ARCFACE_112],
    ['dlib 150', DLIB_150],
  ] as const) {
    test(`maps five points that are a similarity of the ${name} template exactly onto it`, () => {
      const m = chipTransform(faceFrom(template), template);
      faceFrom(template).points5.forEach((p, i) => {
        const [x, y] = applyAffine(m, p);
        assert.ok(
          Math.abs(x - template[i]![0]) < 1e-6 && Math.abs(y - template[i]![1]) < 1e-6,
          `point ${i}: ${x},${y}`,
        );
      });
    });
  }

  test('dlib template keeps the eyes level and the mouth below the nose', () => {
    assert.equal(DLIB_150[0]![1], DLIB_150[1]![1]);
    assert.ok(DLIB_150[2]![1] > DLIB_150[0]![1] && DLIB_150[3]![1] > DLIB_150[2]![1]);
  });

  test('an aligned chip has the requested size and samples the face, not the fill', () => {
    const image = solid(800, 800, [200, 100, 50]);
    const chip = alignedChip(image, faceFrom(ARCFACE_112), ARCFACE_112, 112);
    assert.equal(chip.width, 112);
    assert.equal(chip.data.length, 112 * 112 * 3);
    const mid = (56 * 112 + 56) * 3;
    assert.deepEqual([...chip.data.subarray(mid, mid + 3)], [200, 100, 50]);
  });

  test('a box chip stretches the mesh extent plus margin to the square', () => {
    const image = solid(100, 100, [0, 0, 0]);
    // A white rectangle exactly at the face box: with no margin the chip is white (its outermost pixels blend
    // with the neighbours, as bilinear sampling at pixel centres does).
    for (let y = 20; y < 60; y++) for (let x = 30; x < 50; x++) image.data.set([255, 255, 255], (y * 100 + x) * 3);
    const face: FaceGeometry = { box: { x: 30, y: 20, width: 20, height: 40 }, points5: [] };
    const chip = boxChip(image, face, 32, 0);
    for (let y = 1; y < 31; y++)
      for (let x = 1; x < 31; x++) assert.equal(chip.data[(y * 32 + x) * 3], 255, `${x},${y}`);
    const loose = boxChip(image, face, 32, 0.25);
    assert.equal(loose.data[0], 0, 'the margin reaches outside the box');
  });

  test('mirroring twice gives the original chip back and swaps the left and right columns', () => {
    const img: RgbImage = { data: Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => i), width: 4, height: 2 };
    const m = mirrored(img);
    assert.deepEqual([...m.data.subarray(0, 3)], [9, 10, 11]);
    assert.deepEqual(mirrored(m).data, img.data);
  });
});
