// Catalogue entry for face-api's age and gender net (weights only; the graph is rebuilt by
// faceapi-agegender.converter.ts), verified at prepare time against face-api itself on tfjs. A second gender model
// next to faceres' head: the two are fused for the Gender attribute (attributes/gender.rule.ts, run by
// attributes/model.attributes.ts on the crop of attributes/faceapi.gender.ts).
import { join } from 'node:path';
import { convertFaceApiAgeGender } from '../convert/faceapi-agegender.converter.ts';
import type { ModelEntry } from './model.entry.ts';

const FACEAPI_DIR = 'model';

export const faceApiAgeGenderEntry: ModelEntry = {
  name: 'faceapi-agegender',
  version: '1',
  sourcePackage: '@vladmandic/face-api',
  converterVersion: 'faceapi-agegender-1',
  sourceFiles: () =>
    Promise.resolve([`${FACEAPI_DIR}/age_gender_model-weights_manifest.json`, `${FACEAPI_DIR}/age_gender_model.bin`]),
  convert: (dir) => convertFaceApiAgeGender(join(dir, FACEAPI_DIR)),
  inputs: [{ name: 'input', dtype: 'float32', shape: ['N', 112, 112, 3] }],
  outputs: [
    { name: 'gender', dtype: 'float32', shape: ['N', 2] },
    { name: 'age', dtype: 'float32', shape: ['N', 1] },
  ],
  verify: {
    inputRange: [0, 255],
    tolerance: 1e-4,
    reference: async (_dir, input) => {
      const { loadFaceApi } = await import('../eval/faceapi.reference.ts');
      const fa = await loadFaceApi(['ageGenderNet']);
      const t = fa.tf.tensor4d(input.data, input.dims);
      const out = fa.nets.ageGenderNet.forwardInput(await fa.toNetInput(t));
      const gender = Float32Array.from(out.gender.dataSync() as Float32Array);
      const age = Float32Array.from(out.age.dataSync() as Float32Array);
      t.dispose();
      out.gender.dispose();
      out.age.dispose();
      return { gender: { data: gender, dims: [1, 2] }, age: { data: age, dims: [1, 1] } };
    },
  },
  purpose: 'gender (male, female softmax) and age from a 112² face box crop, RGB 0–255 (face-api weights)',
  licence: 'MIT (face-api)',
};
