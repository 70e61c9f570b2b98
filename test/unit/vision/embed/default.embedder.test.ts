// The default descriptor end to end on fixture photos: the product's detector, then the default embedder and its
// calibrated similarity. Pairs were checked by eye: identity/looking_at_screen and dani_640/dani_1_640 are one person
// each, photo1–photo3 are one man in other poses; the others are different people.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../../../../src/config/config.ts';
import { createFaceDetector } from '../../../../src/vision/detect/detector.factory.ts';
import {
  createDefaultEmbedder,
  DEFAULT_FACE_MODEL_VERSION,
  defaultSimilarity,
} from '../../../../src/vision/embed/default.embedder.ts';
import { decodeImage } from '../../../../src/vision/image/decode.ts';
import type { OnnxRuntime } from '../../../../src/vision/runtime/onnx.runtime.ts';
import { preparedRuntime } from '../../../helpers/models.helper.ts';

let runtime: OnnxRuntime;
const descriptors = new Map<string, Float32Array>();

async function describeFace(name: string): Promise<Float32Array> {
  const cached = descriptors.get(name);
  if (cached) return cached;
  const bytes = await readFile(new URL(`../../../fixtures/images/${name}`, import.meta.url));
  const { rgb } = await decodeImage(new Uint8Array(bytes), loadConfig({}).images);
  const face = (await (await createFaceDetector(runtime)).detect(rgb))[0];
  assert.ok(face, `${name}: the detector finds the face`);
  const d = await createDefaultEmbedder(runtime).embed(rgb, { box: face.rect, points5: face.points5, mesh: face.mesh });
  descriptors.set(name, d);
  return d;
}

describe('default face descriptor', () => {
  before(async () => {
    runtime = await preparedRuntime(['blazeface', 'facemesh', 'mobilefacenet']);
  });
  after(() => runtime?.close());

  test('is a unit-length 192-d vector tagged with its model version', async () => {
    const d = await describeFace('identity.jpg');
    assert.equal(d.length, createDefaultEmbedder(runtime).size);
    assert.equal(d.length, 192);
    const norm = Math.sqrt(d.reduce((s, v) => s + v * v, 0));
    assert.ok(Math.abs(norm - 1) < 1e-5, `norm ${norm}`);
    assert.equal(createDefaultEmbedder(runtime).version.length > 0, true);
    assert.match(DEFAULT_FACE_MODEL_VERSION, /mobilefacenet/);
  });

  for (const [a, b] of [
    ['identity.jpg', 'looking_at_screen.jpg'],
    ['dani_640.jpg', 'dani_1_640.jpg'],
    ['photo1.jpeg', 'photo3.jpeg'],
  ] as const) {
    test(`scores the same person (${a} vs ${b}) above Rekognition's default threshold 80`, async () => {
      const s = defaultSimilarity(await describeFace(a), await describeFace(b));
      assert.ok(s >= 80, `similarity ${s}`);
    });
  }

  for (const [a, b] of [
    ['identity.jpg', 'dani_640.jpg'],
    ['photo1.jpeg', 'identity.jpg'],
    ['grace_hopper_512x512.jpg', 'astronaut.png'],
    ['photo1.jpeg', 'dani_1_640.jpg'],
  ] as const) {
    test(`scores different people (${a} vs ${b}) below 70, the looser duplicate-check threshold`, async () => {
      const s = defaultSimilarity(await describeFace(a), await describeFace(b));
      assert.ok(s < 70, `similarity ${s}`);
    });
  }

  // People in the fixtures, checked by eye: photo1–5, 10, 11 are one man (photo10 in sunglasses); identity,
  // looking_at_screen and cellphone one man; the dani photos one man; Grace Hopper; Eileen Collins (astronaut).
  const people: Record<string, string[]> = {
    a: ['photo1.jpeg', 'photo3.jpeg', 'photo5.jpeg', 'photo10.jpeg', 'photo11.jpeg'],
    b: ['identity.jpg', 'looking_at_screen.jpg', 'cellphone.jpg'],
    d: ['dani_640.jpg', 'dani_1_640.jpg', 'dani_2_640.jpg'],
    g: ['grace_hopper_512x512.jpg'],
    e: ['astronaut.png'],
  };
  const pairs = (same: boolean) => {
    const all = Object.entries(people).flatMap(([who, files]) => files.map((f) => [who, f] as const));
    const out: [string, string][] = [];
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++)
        if ((all[i]![0] === all[j]![0]) === same) out.push([all[i]![1], all[j]![1]]);
    return out;
  };
  const sorted = async (list: [string, string][]) => {
    const s: number[] = [];
    for (const [a, b] of list) s.push(defaultSimilarity(await describeFace(a), await describeFace(b)));
    return s.sort((x, y) => x - y);
  };

  test("different people score on AWS's scale: median in the single digits, 90th percentile < 50, none ≥ 70", async () => {
    const s = await sorted(pairs(false));
    assert.equal(s.length, 62);
    const median = s[s.length >> 1]!;
    const p90 = s[Math.floor(s.length * 0.9)]!;
    assert.ok(median < 10, `median ${median}: ${s.join(', ')}`);
    assert.ok(p90 < 50, `90th percentile ${p90}`);
    assert.ok(s[s.length - 1]! < 70, `highest ${s[s.length - 1]}`);
  });

  test('the same person scores high: median ≥ 90, every pair ≥ 50', async () => {
    const s = await sorted(pairs(true));
    assert.equal(s.length, 16);
    assert.ok(s[s.length >> 1]! >= 90, `median ${s[s.length >> 1]}: ${s.join(', ')}`);
    assert.ok(s[0]! >= 50, `lowest ${s[0]}`);
  });

  test('an identical descriptor scores about 100', async () => {
    const d = await describeFace('grace_hopper_512x512.jpg');
    assert.ok(defaultSimilarity(d, d) > 99.9);
  });
});
