// The converted deep tree network on real faces: each face is routed to exactly one leaf (the mask is one-hot, as
// the tree's routing makes it), and a batch of two gives what two single runs give (the dynamic batch).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createFaceDetector } from '../../src/vision/detect/detector.factory.ts';
import { deeptreeInput, deeptreeScore } from '../../src/vision/attributes/deeptree.liveness.ts';
import type { OnnxRuntime } from '../../src/vision/runtime/onnx.runtime.ts';
import { fixtureRgb, preparedRuntime } from '../helpers/models.helper.ts';

let rt: OnnxRuntime;
before(async () => {
  rt = await preparedRuntime(['blazeface', 'facemesh', 'deeptree-antispoof']);
});
after(() => rt.close());

async function face(file: string) {
  const image = await fixtureRgb(file);
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
});
