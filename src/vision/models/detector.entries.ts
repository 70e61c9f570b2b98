// Catalogue entries for the profile pass of face detection: face-api's SSD-MobileNetV1 detector and its 68-point
// landmark net (weights only; the graphs are rebuilt by faceapi-ssd.converter.ts and faceapi-landmarks.converter.ts),
// each verified at prepare time against face-api itself on tfjs.
import { join } from 'node:path';
import { convertFaceApiLandmarks } from '../convert/faceapi-landmarks.converter.ts';
import { convertFaceApiSsd } from '../convert/faceapi-ssd.converter.ts';
import type { ModelEntry } from './model.entry.ts';

const FACEAPI_DIR = 'model';

export const faceApiSsdEntry: ModelEntry = {
  name: 'faceapi-ssd',
  version: '1',
  sourcePackage: '@vladmandic/face-api',
  converterVersion: 'faceapi-ssd-1',
  sourceFiles: () =>
    Promise.resolve([
      `${FACEAPI_DIR}/ssd_mobilenetv1_model-weights_manifest.json`,
      `${FACEAPI_DIR}/ssd_mobilenetv1_model.bin`,
    ]),
  convert: (dir) => convertFaceApiSsd(join(dir, FACEAPI_DIR)),
  inputs: [{ name: 'input', dtype: 'float32', shape: ['N', 512, 512, 3] }],
  outputs: [
    { name: 'boxes', dtype: 'float32', shape: ['N', 5118, 4] },
    { name: 'scores', dtype: 'float32', shape: ['N', 5118] },
  ],
  verify: {
    inputRange: [0, 255],
    tolerance: 1e-4,
    reference: async (_dir, input) => {
      // face-api runs only with its own module layout; loaded lazily (dev dependency: tfjs).
      const { loadFaceApi } = await import('../eval/faceapi.reference.ts');
      const fa = await loadFaceApi(['ssdMobilenetv1']);
      const t = fa.tf.tensor4d(input.data, input.dims);
      const out = fa.nets.ssdMobilenetv1.forwardInput(await fa.toNetInput(t));
      const boxes = Float32Array.from(out.boxes[0].dataSync() as Float32Array);
      const scores = Float32Array.from(out.scores[0].dataSync() as Float32Array);
      t.dispose();
      for (const x of [...out.boxes, ...out.scores]) x.dispose();
      return { boxes: { data: boxes, dims: [1, 5118, 4] }, scores: { data: scores, dims: [1, 5118] } };
    },
  },
  purpose: 'face detection that sees profiles (SSD-MobileNetV1 on WIDER FACE, face-api weights), 512² RGB 0–255',
  licence: 'MIT (face-api)',
};

export const faceApiLandmarksEntry: ModelEntry = {
  name: 'faceapi-landmarks',
  version: '1',
  sourcePackage: '@vladmandic/face-api',
  converterVersion: 'faceapi-landmarks-1',
  sourceFiles: () =>
    Promise.resolve([
      `${FACEAPI_DIR}/face_landmark_68_model-weights_manifest.json`,
      `${FACEAPI_DIR}/face_landmark_68_model.bin`,
    ]),
  convert: (dir) => convertFaceApiLandmarks(join(dir, FACEAPI_DIR)),
  inputs: [{ name: 'input', dtype: 'float32', shape: ['N', 112, 112, 3] }],
  outputs: [{ name: 'landmarks', dtype: 'float32', shape: ['N', 136] }],
  verify: {
    inputRange: [0, 255],
    tolerance: 1e-4,
    reference: async (_dir, input) => {
      const { loadFaceApi } = await import('../eval/faceapi.reference.ts');
      const fa = await loadFaceApi(['faceLandmark68Net']);
      const t = fa.tf.tensor4d(input.data, input.dims);
      const out = fa.nets.faceLandmark68Net.forwardInput(await fa.toNetInput(t));
      const landmarks = Float32Array.from(out.dataSync() as Float32Array);
      t.dispose();
      out.dispose();
      return { landmarks: { data: landmarks, dims: [1, 136] } };
    },
  },
  purpose: '68 face landmarks (iBUG order) from a 112² face box crop, RGB 0–255; used on faces the mesh cannot fit',
  licence: 'MIT (face-api)',
};

export const DETECTOR_ENTRIES: ModelEntry[] = [faceApiSsdEntry, faceApiLandmarksEntry];
