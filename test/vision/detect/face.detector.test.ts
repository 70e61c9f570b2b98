import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/config.ts';
import { decodeImage } from '../../../src/vision/image/decode.ts';
import { BlazefaceDetector } from '../../../src/vision/detect/blazeface.detector.ts';
import { FacemeshRefiner } from '../../../src/vision/detect/facemesh.refiner.ts';
import { FaceDetector } from '../../../src/vision/detect/face.detector.ts';
import { rekognitionLandmarks } from '../../../src/vision/detect/mesh.landmarks.ts';
import type { OnnxRuntime } from '../../../src/vision/runtime/onnx.runtime.ts';
import { GROUP_PORTRAITS, composedGroupPhoto, fixtureBytes, visionRuntime } from '../vision.helper.ts';

const limits = loadConfig({}).images;
let runtime: OnnxRuntime;
let detector: FaceDetector;

before(async () => {
  runtime = await visionRuntime(['blazeface', 'facemesh']);
  detector = new FaceDetector(
    new BlazefaceDetector(await runtime.session('blazeface')),
    new FacemeshRefiner(await runtime.session('facemesh')),
  );
});
after(() => runtime.close());

const detect = async (bytes: Uint8Array) => {
  const { rgb } = await decodeImage(bytes, limits, { maxSide: 1280 });
  return { rgb, faces: await detector.detect(rgb) };
};

describe('FaceDetector (BlazeFace + FaceMesh)', () => {
  for (const name of ['grace_hopper_512x512.jpg', 'identity.jpg', 'astronaut.png', 'cellphone.jpg']) {
    test(`finds exactly one face in ${name}`, async () => {
      const { faces } = await detect(await fixtureBytes(name));
      assert.equal(faces.length, 1);
      assert.ok(faces[0]!.score > 0.9);
    });
  }

  for (const name of ['coffee.png', 'chelsea.png']) {
    test(`finds no face in ${name} (the mesh rejects BlazeFace's proposals)`, async () => {
      const { faces } = await detect(await fixtureBytes(name));
      assert.equal(faces.length, 0);
    });
  }

  test('puts the landmarks of Grace Hopper where her face is, eyeLeft on the image left', async () => {
    const { rgb, faces } = await detect(await fixtureBytes('grace_hopper_512x512.jpg'));
    const f = faces[0]!;
    // By inspection of the 512×512 portrait: eyes at y ≈ 180, nose tip ≈ (262, 235), chin ≈ (262, 310).
    assert.ok(f.rect.x > 140 && f.rect.x < 200 && f.rect.y > 90 && f.rect.y < 150, JSON.stringify(f.rect));
    const lm = Object.fromEntries(rekognitionLandmarks(f.mesh, rgb.width, rgb.height).map((l) => [l.type, l]));
    assert.equal(Object.keys(lm).length, 30);
    assert.ok(lm.eyeLeft!.x < lm.eyeRight!.x);
    assert.ok(lm.mouthLeft!.x < lm.mouthRight!.x);
    assert.ok(Math.abs(lm.nose!.x * 512 - 262) < 20 && Math.abs(lm.nose!.y * 512 - 232) < 20);
    assert.ok(lm.eyeLeft!.y < lm.nose!.y && lm.nose!.y < lm.mouthUp!.y && lm.mouthDown!.y < lm.chinBottom!.y);
    const [le, re] = f.points5;
    assert.ok(le![0] < re![0], 'points5 has the image-left eye first');
  });

  test(`finds all ${GROUP_PORTRAITS.length} faces in a group photo composed from fixture portraits`, async () => {
    const { faces } = await detect(await composedGroupPhoto());
    assert.equal(faces.length, GROUP_PORTRAITS.length);
    for (let i = 1; i < faces.length; i++) {
      assert.ok(faces[i - 1]!.rect.width * faces[i - 1]!.rect.height >= faces[i]!.rect.width * faces[i]!.rect.height);
    }
  });
});
