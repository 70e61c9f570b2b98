// The converted deep tree network on real faces: each face is routed to exactly one leaf (the mask is one-hot, as
// the tree's routing makes it), and a batch of two gives what two single runs give (the dynamic batch).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createFaceDetector } from '../../src/vision/detect/detector.factory.ts';
import {
  DEEPTREE_MIN_FACE_PX,
  deeptreeFaceSide,
  deeptreeInput,
  deeptreeScore,
} from '../../src/vision/attributes/deeptree.liveness.ts';
import { LIVENESS_MODELS, livenessScore } from '../../src/vision/attributes/liveness.attributes.ts';
import type { RgbImage } from '../../src/vision/embed/embedder.port.ts';
import type { OnnxRuntime } from '../../src/vision/runtime/onnx.runtime.ts';
import { fixtureRgb, preparedRuntime } from '../helpers/models.helper.ts';

let rt: OnnxRuntime;
before(async () => {
  rt = await preparedRuntime(['blazeface', 'facemesh', ...LIVENESS_MODELS]);
});
after(() => rt.close());

/** Every other pixel in each direction, `times` times: the same photo at a lower resolution. */
function halve(img: RgbImage, times: number): RgbImage {
  let cur = img;
  for (let t = 0; t < times; t++) {
    const w = Math.floor(cur.width / 2);
    const h = Math.floor(cur.height / 2);
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = cur.data[(2 * y * cur.width + 2 * x) * 3 + c]!;
    cur = { data, width: w, height: h };
  }
  return cur;
}

async function face(file: string, halvings = 0) {
  const image = halve(await fixtureRgb(file), halvings);
  const [f] = await (await createFaceDetector(rt)).detect(image);
  assert.ok(f, `a face in ${file}`);
  return { image, roi: f.roi };
}

describe('deeptree-antispoof on real faces', () => {
  test('routes each fixture face to one leaf and scores it', async () => {
    const s = await rt.session('deeptree-antispoof');
    for (const file of ['identity.jpg', 'astronaut.png', 'photo1.jpeg']) {
      const { image, roi } = await face(file);
      const out = await s.run({ input: { data: deeptreeInput(image, roi), dims: [1, 256, 256, 3] } });
      const mask = Array.from(out.Identity_1!.data as Float32Array);
      assert.deepEqual(
        mask.filter((v) => v !== 0),
        [1],
        `${file}: one-hot mask ${mask}`,
      );
      const r = await deeptreeScore(s, image, roi);
      assert.equal(r.leaf, mask.indexOf(1));
      assert.ok(Number.isFinite(r.spoofScore) && r.spoofScore >= 0, `${file}: spoof score ${r.spoofScore}`);
      assert.ok(r.live >= 0 && r.live <= 1);
    }
  });

  test('a batch of two faces gives the two single results', async () => {
    const s = await rt.session('deeptree-antispoof');
    const a = await face('identity.jpg');
    const b = await face('photo1.jpeg');
    const xa = deeptreeInput(a.image, a.roi);
    const xb = deeptreeInput(b.image, b.roi);
    const both = new Float32Array(xa.length * 2);
    both.set(xa);
    both.set(xb, xa.length);
    const run = async (data: Float32Array, n: number) =>
      s
        .run({ input: { data, dims: [n, 256, 256, 3] } })
        .then((o) => [Array.from(o.Identity!.data as Float32Array), Array.from(o.Identity_1!.data as Float32Array)]);
    const [scores, masks] = await run(both, 2);
    const [sa, ma] = await run(xa, 1);
    const [sb, mb] = await run(xb, 1);
    assert.deepEqual(masks, [...ma!, ...mb!]);
    [...sa!, ...sb!].forEach((v, i) =>
      assert.ok(Math.abs(v - scores![i]!) < 1e-4, `score ${i}: ${v} vs ${scores![i]}`),
    );
    assert.notDeepEqual(sa, sb, 'two faces, two different leaf score vectors');
  });

  test('the combined score uses the deep tree network for big faces only', async () => {
    const sessions = await Promise.all(LIVENESS_MODELS.map((m) => rt.session(m)));
    const big = await face('identity.jpg');
    const small = await face('identity.jpg', 2);
    assert.ok(deeptreeFaceSide(big.roi) >= DEEPTREE_MIN_FACE_PX, `big face ${deeptreeFaceSide(big.roi)} px`);
    assert.ok(deeptreeFaceSide(small.roi) < DEEPTREE_MIN_FACE_PX, `small face ${deeptreeFaceSide(small.roi)} px`);
    const b = await livenessScore(sessions, big.image, big.roi);
    assert.equal(b.deeptreeUsed, true);
    assert.ok(Math.abs(b.score - ((b.antispoof + b.liveness + b.deeptree) / 3) * 100) <= 0.05);
    const s = await livenessScore(sessions, small.image, small.roi);
    assert.equal(s.deeptreeUsed, false);
    assert.ok(Number.isNaN(s.deeptreeSpoof), 'not run for a small face');
    assert.ok(Math.abs(s.score - ((s.antispoof + s.liveness) / 2) * 100) <= 0.05);
  });
});
