// Shared by the vision tests: the prepared model cache (models converted on demand, as `facegate models prepare`
// does), fixtures as bytes, and a group photo composed from fixture portraits (the fixtures hold no group photo).
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { loadConfig } from '../../src/config/config.ts';
import { ATTRIBUTE_MODELS } from '../../src/vision/attributes/face.attributes.ts';
import { LIVENESS_MODELS } from '../../src/vision/attributes/liveness.attributes.ts';
import { CATALOG } from '../../src/vision/models/model.catalog.ts';
import { ModelCache, modelCacheDir } from '../../src/vision/models/model.cache.ts';
import { prepareModels } from '../../src/vision/models/model.prepare.ts';
import { OnnxRuntime } from '../../src/vision/runtime/onnx.runtime.ts';

/** What a face engine loads to detect, describe attributes and score liveness: tests add the models of their own paths. */
export const FACE_MODELS: string[] = ['blazeface', 'facemesh', ...ATTRIBUTE_MODELS, ...LIVENESS_MODELS];

export const fixtureBytes = (name: string) => readFile(new URL(`../fixtures/images/${name}`, import.meta.url));

/** An ONNX runtime over the default cache, after preparing `names`; throws (never skips) if one cannot be prepared. */
export async function visionRuntime(names: string[]): Promise<OnnxRuntime> {
  const config = loadConfig({});
  const cache = new ModelCache(modelCacheDir(config));
  const results = await prepareModels(
    cache,
    CATALOG.filter((e) => names.includes(e.name)),
  );
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length > 0) throw new Error(`models failed to prepare: ${failed.map((r) => r.name).join(', ')}`);
  return new OnnxRuntime({ threads: 1, source: (n) => Promise.resolve(cache.modelPath(n)) });
}

export const GROUP_PORTRAITS = [
  'grace_hopper_512x512.jpg',
  'identity.jpg',
  'astronaut.png',
  'photo1.jpeg',
  'photo11.jpeg',
  'dani_640.jpg',
];

/**
 * A 1800×700 "group photo": six fixture portraits, each scaled to 260 px high, in a row on a grey background.
 * Each face is about 1/15 of the long side, too small for BlazeFace's single full-image pass.
 */
export async function composedGroupPhoto(): Promise<Buffer> {
  const tiles = await Promise.all(
    GROUP_PORTRAITS.map(async (name) =>
      sharp(await fixtureBytes(name))
        .resize({ height: 260 })
        .toBuffer(),
    ),
  );
  let left = 20;
  const composite = [];
  for (const [i, input] of tiles.entries()) {
    const { width = 0 } = await sharp(input).metadata();
    composite.push({ input, left, top: i % 2 === 0 ? 60 : 380 });
    left += width + 30;
  }
  return sharp({ create: { width: Math.max(1800, left), height: 700, channels: 3, background: '#7a7a7a' } })
    .composite(composite)
    .jpeg({ quality: 90 })
    .toBuffer();
}
