// A user model pack's recogniser as the engine's descriptor (FACEGATE_DESCRIPTOR=pack, FACEGATE_MODELS=<dir>):
// its manifest (models/pack.recognizer.ts) becomes a DescriptorModelSpec run by the shared OnnxEmbedder, and its
// calibration knots become the similarity. The model version names the pack, its version and the model's sha256,
// so faces from different packs (or a changed file) never share a collection (collections refuse MODEL_MISMATCH).
import { FacegateError } from '../../errors.ts';
import type { InferenceRuntime } from '../runtime/inference.port.ts';
import { loadModelPack, type LoadedPack } from '../models/model.pack.ts';
import { recognizerTemplate } from '../models/pack.recognizer.ts';
import type { Embedder, FaceGeometry, RgbImage } from './embedder.port.ts';
import { alignedChip } from './face.align.ts';
import { OnnxEmbedder, type DescriptorModelSpec } from './onnx.embedder.ts';
import { calibratedSimilarity } from './similarity.ts';

export interface PackDescriptor {
  embedder: Embedder;
  similarity: (a: Float32Array, b: Float32Array) => number;
}

/** The descriptor spec of a loaded pack's recogniser. */
export function packDescriptorSpec(loaded: LoadedPack): DescriptorModelSpec {
  const r = loaded.pack.recognizer;
  if (!r) throw new FacegateError('MODEL_NOT_AVAILABLE', `model pack ${loaded.pack.name} has no recognizer section`);
  const model = loaded.model(r.model)!;
  const template = recognizerTemplate(r);
  const size = r.input.size;
  return {
    version: `pack:${loaded.pack.name}@${loaded.pack.version}:${r.model}:${model.sha256.slice(0, 12)}`,
    model: r.model,
    ...(r.output ? { output: r.output } : {}),
    size: r.size,
    chip: (image: RgbImage, face: FaceGeometry) => alignedChip(image, face, template, size),
    normalise: {
      mean: r.input.mean,
      std: r.input.std,
      bgr: r.input.colour === 'BGR',
      planar: r.input.layout === 'NCHW',
    },
  };
}

export function packDescriptorFrom(runtime: InferenceRuntime, loaded: LoadedPack): PackDescriptor {
  const spec = packDescriptorSpec(loaded);
  const r = loaded.pack.recognizer!;
  const knots = r.calibration.knots;
  return {
    embedder: new OnnxEmbedder(runtime, spec, r.flip),
    similarity: (a, b) => {
      if (a.length !== b.length) throw new RangeError(`descriptor sizes differ: ${a.length} vs ${b.length}`);
      let dot = 0;
      for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
      return Math.round(calibratedSimilarity(dot, knots) * 100) / 100;
    },
  };
}

/**
 * The pack at `dir` as the engine's descriptor. `runtime` must resolve the pack's model names (createModelRuntime
 * with models.pack = dir does); the model's bytes are checked against their sha256 when its session first opens.
 */
export async function createPackDescriptor(runtime: InferenceRuntime, dir: string): Promise<PackDescriptor> {
  if (dir === 'default')
    throw new FacegateError(
      'MODEL_NOT_AVAILABLE',
      'FACEGATE_DESCRIPTOR=pack needs FACEGATE_MODELS=<directory of a model pack with a recognizer>',
    );
  return packDescriptorFrom(runtime, await loadModelPack(dir));
}
