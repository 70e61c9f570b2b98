// The default InferenceRuntime: ONNX Runtime over the prepared model cache, with an optional user model pack
// (FACEGATE_MODELS=<directory>, see model.pack.ts) in front of it.
import type { Config } from '../../config/config.schema.ts';
import { FacegateError } from '../../errors.ts';
import { OnnxRuntime } from '../runtime/onnx.runtime.ts';
import type { InferenceRuntime } from '../runtime/inference.port.ts';
import { ModelCache, modelCacheDir } from './model.cache.ts';
import { loadModelPack, readPackModel, type LoadedPack } from './model.pack.ts';

const DEFAULT_PACK = 'default';

export function createModelRuntime(config: Pick<Config, 'models'>): InferenceRuntime {
  const cache = new ModelCache(modelCacheDir(config));
  const packDir = config.models.pack === DEFAULT_PACK ? undefined : config.models.pack;
  let pack: Promise<LoadedPack> | undefined;
  // Loaded on first use and kept: a broken pack fails every session request with the same clear error.
  const getPack = (): Promise<LoadedPack> | undefined => (packDir ? (pack ??= loadModelPack(packDir)) : undefined);
  let loaded: LoadedPack | undefined;
  return new OnnxRuntime({
    threads: config.models.threads,
    spin: config.models.spin,
    arena: config.models.arena,
    source: async (name) => {
      loaded = await getPack();
      return loaded?.model(name) ? readPackModel(loaded, name) : cache.modelPath(name);
    },
    validate: (name, io) => {
      const m = loaded?.model(name);
      if (!m) return;
      const want = { inputs: m.inputs.map((i) => i.name), outputs: m.outputs.map((o) => o.name) };
      const missing = [
        ...want.inputs.filter((n) => !io.inputNames.includes(n)),
        ...want.outputs.filter((n) => !io.outputNames.includes(n)),
      ];
      if (missing.length)
        throw new FacegateError(
          'MODEL_LOAD_FAILED',
          `model pack model ${name}: the ONNX graph lacks ${missing.join(', ')} named in pack.json`,
        );
    },
  });
}
