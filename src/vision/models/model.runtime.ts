// The default InferenceRuntime: ONNX Runtime over the prepared model cache.
import type { Config } from '../../config/config.schema.ts';
import { OnnxRuntime } from '../runtime/onnx.runtime.ts';
import type { InferenceRuntime } from '../runtime/inference.port.ts';
import { ModelCache, modelCacheDir } from './model.cache.ts';

export function createModelRuntime(config: Pick<Config, 'models'>): InferenceRuntime {
  const cache = new ModelCache(modelCacheDir(config));
  return new OnnxRuntime({ threads: config.models.threads, source: (name) => Promise.resolve(cache.modelPath(name)) });
}
