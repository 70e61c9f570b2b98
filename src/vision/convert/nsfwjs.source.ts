// nsfwjs ships its TFJS models as UMD JavaScript modules: model.min.js exports the model.json object and each
// group*-shard*.min.js exports its shard as a base64 string. This turns them back into model.json + weight bytes.
import { createRequire } from 'node:module';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FacegateError } from '../../errors.ts';
import { parseTfjsModel, tfjsModelJson, type TfjsModel, type TfjsModelJson } from './tfjs-model.reader.ts';

const require = createRequire(import.meta.url);

/** The module files of one nsfwjs model directory, model first, shards in manifest order. */
export async function nsfwjsModelFiles(modelDir: string): Promise<string[]> {
  const shards = (await readdir(modelDir)).filter((f) => /^group\d+-shard\d+of\d+\.min\.js$/.test(f)).sort();
  return [join(modelDir, 'model.min.js'), ...shards.map((f) => join(modelDir, f))];
}

export async function readNsfwjsModel(
  modelDir: string,
): Promise<{ json: TfjsModelJson; weightData: Uint8Array; model: TfjsModel }> {
  const raw: unknown = require(join(modelDir, 'model.min.js'));
  const json = tfjsModelJson.parse(raw);
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest)
    for (const p of group.paths) {
      const mod: unknown = require(join(modelDir, p.replace(/\.bin$/, '') + '.min.js'));
      if (typeof mod !== 'string')
        throw new FacegateError('MODEL_CONVERSION_FAILED', `nsfwjs shard ${p} is not a base64 string`);
      parts.push(Buffer.from(mod, 'base64'));
    }
  const weightData = new Uint8Array(Buffer.concat(parts));
  return { json, weightData, model: parseTfjsModel(raw, weightData) };
}
