// The profile pass on real photos (fixtures, MIT-0: photo6 is a man turned a full 90° to the image right, from the
// AWS facial-recognition best-practices set): the mesh pass misses him, the profile pass reports him as a profile on
// the right side; mirrored, on the other side. Frontal portraits never reach the pass; no-face photos gain nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { loadConfig } from '../../../src/config/config.ts';
import { decodeImage } from '../../../src/vision/image/decode.ts';
import { createFaceDetector } from '../../../src/vision/detect/detector.factory.ts';
import type { FaceDetector } from '../../../src/vision/detect/face.detector.ts';
import type { OnnxRuntime } from '../../../src/vision/runtime/onnx.runtime.ts';
import { fixtureBytes, visionRuntime } from '../vision.helper.ts';

const limits = loadConfig({}).images;
let runtime: OnnxRuntime;
let detector: FaceDetector;

before(async () => {
  runtime = await visionRuntime(['blazeface', 'facemesh', 'faceapi-ssd', 'faceapi-landmarks']);
  detector = await createFaceDetector(runtime);
});
after(() => runtime.close());

const rgbOf = async (bytes: Uint8Array) => (await decodeImage(bytes, limits, { maxSide: 1280 })).rgb;

describe('FaceDetector profile pass (face-api SSD + 68 landmarks)', () => {
  test('photo6 (a full profile): no mesh face, one profile face at yaw +90 where his head is', async () => {
    const rgb = await rgbOf(await fixtureBytes('photo6.jpeg'));
    assert.equal((await detector.detect(rgb)).length, 0, 'the mesh pass alone misses the profile');
    const faces = await detector.detectAll(rgb);
    assert.equal(faces.length, 1);
    const f = faces[0]!;
    assert.equal(f.kind, 'profile');
    if (f.kind !== 'profile') return;
    assert.deepEqual(f.pose, { yaw: 90, pitch: 0, roll: 0 });
    assert.ok(f.score >= 0.5 && f.score <= 1);
    // By inspection of the 540×540 photo: the face (ear to nose tip, brow to chin) spans x ≈ 250–410, y ≈ 170–370.
    const cx = f.rect.x + f.rect.width / 2;
    const cy = f.rect.y + f.rect.height / 2;
    assert.ok(cx > 280 && cx < 380 && cy > 200 && cy < 340, JSON.stringify(f.rect));
    assert.equal(f.points68.length, 136);
  });

  test('photo6 mirrored: the same profile, now at yaw −90', async () => {
    const mirrored = await sharp(await fixtureBytes('photo6.jpeg'))
      .flop()
      .png()
      .toBuffer();
    const faces = await detector.detectAll(await rgbOf(new Uint8Array(mirrored)));
    assert.equal(faces.length, 1);
    assert.equal(faces[0]!.kind, 'profile');
    if (faces[0]!.kind === 'profile') assert.equal(faces[0]!.pose.yaw, -90);
  });

  test('with the pass off, photo6 has no face (the setting is honoured)', async () => {
    const off = await createFaceDetector(runtime, { profilePass: 'off' });
    assert.equal((await off.detectAll(await rgbOf(await fixtureBytes('photo6.jpeg')))).length, 0);
  });

  test('frontal and turned faces stay mesh faces (photo1, photo7)', async () => {
    for (const name of ['photo1.jpeg', 'photo7.jpeg']) {
      const faces = await detector.detectAll(await rgbOf(await fixtureBytes(name)));
      assert.deepEqual(
        faces.map((f) => f.kind),
        ['mesh'],
        name,
      );
    }
  });

  for (const name of ['coffee.png', 'chelsea.png']) {
    test(`finds no face in ${name} with the profile pass either`, async () => {
      assert.equal((await detector.detectAll(await rgbOf(await fixtureBytes(name)))).length, 0);
    });
  }
});
