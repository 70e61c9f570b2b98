// Catalogue entries for TFJS graph models shipped as model.json + shards inside an npm package.
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { convertTfjsGraph, TFJS_CONVERTER_VERSION } from '../convert/tfjs-graph.converter.ts';
import { readTfjsModel, tfjsModelFiles, tfjsModelJson } from '../convert/tfjs-model.reader.ts';
import { runTfjsReference } from '../convert/tfjs.reference.ts';
import type { ModelEntry, ModelIo } from './model.entry.ts';

export interface TfjsEntryOptions {
  name: string;
  version: string;
  sourcePackage: string;
  /** model.json path relative to the package directory. */
  modelJson: string;
  inputs: ModelIo[];
  outputs: ModelIo[];
  inputRange?: [number, number];
  tolerance?: number;
  purpose: string;
  licence: string;
}

export function tfjsEntry(o: TfjsEntryOptions): ModelEntry {
  const outputNames = o.outputs.map((x) => x.name);
  return {
    name: o.name,
    version: o.version,
    sourcePackage: o.sourcePackage,
    converterVersion: `tfjs-${TFJS_CONVERTER_VERSION}`,
    inputs: o.inputs,
    outputs: o.outputs,
    purpose: o.purpose,
    licence: o.licence,
    sourceFiles: async (dir) => (await tfjsModelFiles(join(dir, o.modelJson))).map((f) => relative(dir, f)),
    convert: async (dir) =>
      convertTfjsGraph(await readTfjsModel(join(dir, o.modelJson)), { outputs: outputNames }).bytes,
    verify: {
      inputRange: o.inputRange ?? [0, 1],
      tolerance: o.tolerance ?? 1e-4,
      reference: async (dir, input) => {
        const path = join(dir, o.modelJson);
        const json = tfjsModelJson.parse(JSON.parse(await readFile(path, 'utf8')));
        const shards = await Promise.all(
          json.weightsManifest.flatMap((g) => g.paths.map((p) => readFile(join(dirname(path), p)))),
        );
        return runTfjsReference(json, new Uint8Array(Buffer.concat(shards)), { [input.name]: input }, outputNames);
      },
    },
  };
}
