// The moderation classifier: nsfwjs's MobileNetV2 ("mid") graph model, read from its JS-module packaging.
// (nsfwjs's plain mobilenet_v2 and inception_v3 are Keras layers models, which the graph converter does not read.)
import { join, relative } from 'node:path';
import { convertTfjsGraph, TFJS_CONVERTER_VERSION } from '../convert/tfjs-graph.converter.ts';
import { nsfwjsModelFiles, readNsfwjsModel } from '../convert/nsfwjs.source.ts';
import { runTfjsReference } from '../convert/tfjs.reference.ts';
import type { ModelEntry } from './model.entry.ts';

const MODEL_DIR = 'dist/models/mobilenet_v2_mid';
const OUTPUT = 'Identity';

export const nsfwEntry: ModelEntry = {
  name: 'nsfw',
  version: '1',
  sourcePackage: 'nsfwjs',
  converterVersion: `tfjs-${TFJS_CONVERTER_VERSION}`,
  purpose: 'moderation: Drawing, Hentai, Neutral, Porn, Sexy (RGB 0–1, 224², squashed)',
  licence: 'MIT',
  inputs: [{ name: 'input', dtype: 'float32', shape: ['N', 224, 224, 3] }],
  outputs: [{ name: OUTPUT, dtype: 'float32', shape: ['N', 5] }],
  sourceFiles: async (dir) => (await nsfwjsModelFiles(join(dir, MODEL_DIR))).map((f) => relative(dir, f)),
  convert: async (dir) =>
    convertTfjsGraph((await readNsfwjsModel(join(dir, MODEL_DIR))).model, { outputs: [OUTPUT] }).bytes,
  verify: {
    inputRange: [0, 1],
    tolerance: 1e-4,
    reference: async (dir, input) => {
      const { json, weightData } = await readNsfwjsModel(join(dir, MODEL_DIR));
      return runTfjsReference(json, weightData, { [input.name]: input }, [OUTPUT]);
    },
  },
};
