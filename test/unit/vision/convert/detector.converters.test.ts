// The converted profile-pass models must compute what face-api computes on tfjs (wasm): the SSD detector on a real
// photo (every box and score of its 5,118 anchors) and the 68-point landmark net on a real face crop.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../../../src/config/config.ts';
import { convertFaceApiSsd } from '../../../../src/vision/convert/faceapi-ssd.converter.ts';
import { convertFaceApiLandmarks } from '../../../../src/vision/convert/faceapi-landmarks.converter.ts';
import { faceApiModelDir, loadFaceApi } from '../../../../src/vision/eval/faceapi.reference.ts';
import { decodeImage } from '../../../../src/vision/image/decode.ts';
import { toTensor, warpAffine } from '../../../../src/vision/geometry/affine.warp.ts';
import { OnnxRuntime } from '../../../../src/vision/runtime/onnx.runtime.ts';

const fixture = (name: string) => join(import.meta.dirname, '../../../fixtures/images', name);

/** The fixture scaled (by its long side) into the top-left of a size² square, as face-api pads its SSD input. */
async function square(name: string, size: number, box?: [number, number, number]): Promise<Float32Array> {
  const { rgb } = await decodeImage(new Uint8Array(await readFile(fixture(name))), loadConfig({}).images);
  const [x, y, side] = box ?? [0, 0, Math.max(rgb.width, rgb.height)];
  const k = side / size;
  return toTensor(warpAffine(rgb, [k, 0, x, 0, k, y], size, size));
}

async function runOnnx(bytes: Uint8Array, input: Float32Array, size: number) {
  const rt = new OnnxRuntime({ threads: 1, source: () => Promise.resolve(bytes) });
  try {
    const s = await rt.session('under-test');
    const out = await s.run({ input: { data: input, dims: [1, size, size, 3] } });
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
  } finally {
    await rt.close();
  }
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('profile-pass model converters', () => {
  test('face-api SSD-MobileNetV1 as ONNX matches face-api on tfjs-wasm for photo6 (a profile)', async () => {
    const input = await square('photo6.jpeg', 512);
    const onnx = await runOnnx(await convertFaceApiSsd(faceApiModelDir()), input, 512);
    const fa = await loadFaceApi(['ssdMobilenetv1']);
    const t = fa.tf.tensor4d(input, [1, 512, 512, 3]);
    const ref = fa.nets.ssdMobilenetv1.forwardInput(await fa.toNetInput(t));
    const boxes = ref.boxes[0].dataSync() as Float32Array;
    const scores = ref.scores[0].dataSync() as Float32Array;
    t.dispose();
    assert.ok(maxAbsDiff(onnx.boxes!, boxes) < 1e-4, 'boxes');
    assert.ok(maxAbsDiff(onnx.scores!, scores) < 1e-4, 'scores');
    assert.ok(Math.max(...scores) > 0.8, 'the reference sees the profile');
  });

  test('face-api 68-point landmarks as ONNX match face-api on tfjs-wasm for a face crop', async () => {
    const input = await square('grace_hopper_512x512.jpg', 112, [130, 100, 250]);
    const onnx = await runOnnx(await convertFaceApiLandmarks(faceApiModelDir()), input, 112);
    const fa = await loadFaceApi(['faceLandmark68Net']);
    const t = fa.tf.tensor4d(input, [1, 112, 112, 3]);
    const out = fa.nets.faceLandmark68Net.forwardInput(await fa.toNetInput(t));
    const ref = out.dataSync() as Float32Array;
    t.dispose();
    assert.ok(maxAbsDiff(onnx.landmarks!, ref) < 1e-4);
    assert.ok(
      ref.every((v) => v > 0 && v < 1),
      'the reference points lie inside the crop',
    );
  });
});
