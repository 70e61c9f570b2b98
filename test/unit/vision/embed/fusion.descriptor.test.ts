// The three-descriptor fusion setting end to end on fixture photos (same pairs as the default's test).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../../../../src/config/config.ts';
import { createFaceDetector } from '../../../../src/vision/detect/detector.factory.ts';
import { createDescriptor, FUSION3_KNOTS } from '../../../../src/vision/embed/fusion.descriptor.ts';
import { calibratedSimilarity } from '../../../../src/vision/embed/similarity.ts';
import { decodeImage } from '../../../../src/vision/image/decode.ts';
import type { OnnxRuntime } from '../../../../src/vision/runtime/onnx.runtime.ts';
import { preparedRuntime } from '../../../helpers/models.helper.ts';

describe('fusion3 descriptor setting', () => {
  let runtime: OnnxRuntime;
  let d: ReturnType<typeof createDescriptor>;
  const describeFace = async (name: string) => {
    const bytes = await readFile(new URL(`../../../fixtures/images/${name}`, import.meta.url));
    const { rgb } = await decodeImage(new Uint8Array(bytes), loadConfig({}).images);
    const face = (await (await createFaceDetector(runtime)).detect(rgb))[0]!;
    return d.embedder.embed(rgb, { box: face.rect, points5: face.points5, mesh: face.mesh });
  };
  before(async () => {
    runtime = await preparedRuntime(['blazeface', 'facemesh', 'mobilefacenet', 'faceapi-resnet', 'faceres']);
    d = createDescriptor(runtime, 'fusion3');
  });
  after(() => runtime?.close());

  test('is a unit 1,344-d vector with its own version; same person ≥ 80, different people < 10', async () => {
    const [a, b, c] = await Promise.all(['identity.jpg', 'looking_at_screen.jpg', 'dani_640.jpg'].map(describeFace));
    assert.equal(a!.length, 192 + 128 + 1024);
    assert.equal(d.embedder.size, a!.length);
    assert.match(d.embedder.version, /^fusion\(/);
    assert.ok(Math.abs(Math.hypot(...a!) - 1) < 1e-5);
    assert.ok(d.similarity(a!, b!) >= 80, `same ${d.similarity(a!, b!)}`);
    assert.ok(d.similarity(a!, c!) < 10, `different ${d.similarity(a!, c!)}`);
  });

  test('its map is monotone with the anchors in place', () => {
    let prev = -1;
    for (let x = -1; x <= 1; x += 0.001) {
      const s = calibratedSimilarity(x, FUSION3_KNOTS);
      assert.ok(s >= prev);
      prev = s;
    }
    assert.equal(calibratedSimilarity(0.864, FUSION3_KNOTS), 80);
  });
});
