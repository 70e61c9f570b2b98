// Out-of-sample check of the default descriptor and its LFW-fitted similarity calibration on the shared
// identities set (../shared/datasets/identities.csv: ~180 photos of ~35 people, none from LFW's pairs): every pair
// of photos is scored; prints FAR and TAR at similarity thresholds 70/80/90 and the images without a face.
// Run: nice -n 10 node --import tsx bench/descriptor.identities.ts
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { createFaceDetector } from '../src/vision/detect/detector.factory.ts';
import {
  createDefaultEmbedder,
  DEFAULT_FACE_MODEL_VERSION,
  defaultSimilarity,
} from '../src/vision/embed/default.embedder.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';

const datasets = resolve(import.meta.dirname, '../../shared/datasets');
const csv = join(datasets, 'identities.csv');
if (!existsSync(csv)) {
  console.log(`skipped: ${csv} is absent (the shared data sets live in ../shared/datasets)`);
  process.exit(0);
}
const rows = readFileSync(csv, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','))
  .map(([path, identity]) => ({ path: path!, identity: identity! }));
const config = loadConfig();
const runtime = createModelRuntime(config);
const detector = await createFaceDetector(runtime);
const embedder = createDefaultEmbedder(runtime);
const found: { identity: string; d: Float32Array }[] = [];
const noFace: string[] = [];
for (const r of rows) {
  const { rgb } = await decodeImage(new Uint8Array(readFileSync(join(datasets, r.path))), config.images, {
    source: 'object',
  });
  const face = (await detector.detect(rgb))[0];
  if (!face) {
    noFace.push(r.path);
    continue;
  }
  found.push({
    identity: r.identity,
    d: await embedder.embed(rgb, { box: face.rect, points5: face.points5, mesh: face.mesh }),
  });
}
await runtime.close();
const gen: number[] = [];
const imp: number[] = [];
for (let i = 0; i < found.length; i++)
  for (let j = i + 1; j < found.length; j++)
    (found[i]!.identity === found[j]!.identity ? gen : imp).push(defaultSimilarity(found[i]!.d, found[j]!.d));
console.log(
  `${DEFAULT_FACE_MODEL_VERSION}: ${found.length} faces of ${rows.length} photos, ${gen.length} genuine and ${imp.length} impostor pairs`,
);
for (const t of [70, 80, 90]) {
  const far = imp.filter((s) => s >= t).length;
  const tar = gen.filter((s) => s >= t).length;
  console.log(
    `threshold ${t}: FAR ${far}/${imp.length} (${(far / imp.length).toExponential(1)}), TAR ${((100 * tar) / gen.length).toFixed(1)}%`,
  );
}
console.log(
  `highest impostor similarity ${Math.max(...imp).toFixed(1)}; no face found in: ${noFace.join(', ') || 'none'}`,
);
