// Test helper: the default model cache, prepared on demand (only the models a test needs), and an ONNX runtime
// over it. Concurrent test processes may prepare the same model: cache writes are atomic, so that is safe.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { loadConfig } from '../../src/config/config.ts';
import { CATALOG } from '../../src/vision/models/model.catalog.ts';
import { ModelCache, modelCacheDir } from '../../src/vision/models/model.cache.ts';
import { prepareModels } from '../../src/vision/models/model.prepare.ts';
import { OnnxRuntime } from '../../src/vision/runtime/onnx.runtime.ts';
import type { RgbImage } from '../../src/vision/embed/embedder.port.ts';

export const FIXTURES = new URL('../fixtures/images/', import.meta.url);

export function defaultModelCache(): ModelCache {
  return new ModelCache(modelCacheDir(loadConfig()));
}

/** Prepares (if needed) the named models and returns a runtime over the cache; throws if one fails to prepare. */
export async function preparedRuntime(names: string[]): Promise<OnnxRuntime> {
  const cache = defaultModelCache();
  const entries = CATALOG.filter((e) => names.includes(e.name));
  const results = await prepareModels(cache, entries);
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length)
    throw new Error(`models failed to prepare: ${failed.map((r) => `${r.name}: ${r.error?.message}`).join('; ')}`);
  return new OnnxRuntime({ threads: 1, source: (n) => Promise.resolve(cache.modelPath(n)) });
}

/** A fixture decoded to RGB with sharp (EXIF orientation applied), as the vision code receives images. */
export async function fixtureRgb(file: string): Promise<RgbImage> {
  const bytes = await readFile(new URL(file, FIXTURES));
  const { data, info } = await sharp(bytes).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}
