// Baseline: face-api's own pipeline (SSD MobileNet v1 detector, 68-point landmarks, 128-d descriptor) on
// TensorFlow.js wasm, over the LFW pairs. Writes per-image detections (box + 68 points) and descriptors to
// .cache/lfw/faceapi-baseline.json (re-runs resume from it) and prints the standard-protocol figures.
// Run: nice -n 10 node --import tsx bench/lfw.faceapi-baseline.ts [--limit N]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { loadFaceApi } from '../src/vision/eval/faceapi.reference.ts';
import { pairImages, parsePairs } from '../src/vision/eval/lfw.pairs.ts';
import { kFoldAccuracy, rocAuc, tarAtFar, type ScoredPair } from '../src/vision/eval/lfw.metrics.ts';

interface Entry {
  box: [number, number, number, number] | null;
  points68: number[] | null;
  descriptor: number[];
  ms: number;
}

const root = resolve(import.meta.dirname, '..');
const lfw = resolve(root, '../shared/datasets/lfw');
if (!existsSync(join(lfw, 'pairs-dev.txt'))) {
  console.log(`skipped: ${lfw} is absent (the LFW pairs live in ../shared/datasets)`);
  process.exit(0);
}
const limitArg = process.argv.indexOf('--limit');
const limit = limitArg > 0 ? Number(process.argv[limitArg + 1]) : Infinity;
const { pairs: allPairs } = parsePairs(readFileSync(join(lfw, 'pairs-dev.txt'), 'utf8'));
const pairs = allPairs.filter(
  (_, i) => i % Math.max(1, Math.floor(allPairs.length / Math.min(limit, allPairs.length))) === 0,
);
const images = pairImages(pairs);
const cacheFile = join(root, '.cache/lfw/faceapi-baseline.json');
mkdirSync(join(root, '.cache/lfw'), { recursive: true });
const cache: Record<string, Entry> = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};

const fa = await loadFaceApi(['ssdMobilenetv1', 'faceLandmark68Net', 'faceRecognitionNet']);
const tf = fa.tf;
let done = 0;
for (const rel of images) {
  done++;
  if (cache[rel]) continue;
  const { data, info } = await sharp(join(lfw, 'images', rel))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const t0 = performance.now();
  const img = tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], 'int32');
  const found = await fa
    .detectAllFaces(img, new fa.SsdMobilenetv1Options({ minConfidence: 0.5 }))
    .withFaceLandmarks()
    .withFaceDescriptors();
  // The face nearest the centre (LFW's subject is centred); none → descriptor of the central 120×120 region.
  const c = info.width / 2;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const best = (found as any[]).sort(
    (a, b) =>
      Math.hypot(
        a.detection.box.x + a.detection.box.width / 2 - c,
        a.detection.box.y + a.detection.box.height / 2 - c,
      ) -
      Math.hypot(b.detection.box.x + b.detection.box.width / 2 - c, b.detection.box.y + b.detection.box.height / 2 - c),
  )[0];
  let entry: Entry;
  if (best) {
    const b = best.detection.box;
    entry = {
      box: [b.x, b.y, b.width, b.height],
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      points68: best.landmarks.positions.flatMap((p: any) => [p.x, p.y]),
      descriptor: Array.from(best.descriptor as Float32Array),
      ms: 0,
    };
  } else {
    const crop = tf.slice(img, [65, 65, 0], [120, 120, 3]);
    entry = { box: null, points68: null, descriptor: Array.from(await fa.computeFaceDescriptor(crop)), ms: 0 };
    crop.dispose();
  }
  entry.ms = performance.now() - t0;
  img.dispose();
  cache[rel] = entry;
  if (done % 100 === 0) {
    writeFileSync(cacheFile, JSON.stringify(cache));
    console.log(`${done}/${images.length}`);
  }
}
writeFileSync(cacheFile, JSON.stringify(cache));

const cos = (a: number[], b: number[]) => {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return d / Math.sqrt(na * nb);
};
const scored: ScoredPair[] = pairs.map((p) => ({
  fold: p.fold,
  same: p.same,
  score: cos(cache[p.a]!.descriptor, cache[p.b]!.descriptor),
}));
const acc = kFoldAccuracy(scored);
const misses = images.filter((i) => cache[i]!.box === null).length;
const ms = images.map((i) => cache[i]!.ms).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    pipeline: 'face-api SSD + 68 landmarks + 128-d ResNet, tfjs-wasm, cosine',
    pairs: pairs.length,
    images: images.length,
    accuracy: `${(acc.mean * 100).toFixed(2)} ± ${(acc.std * 100).toFixed(2)}`,
    auc: rocAuc(scored).toFixed(4),
    tarAtFar1e3: tarAtFar(scored, 1e-3).tar.toFixed(4),
    tarAtFar1e2: tarAtFar(scored, 1e-2).tar.toFixed(4),
    detectionMisses: misses,
    medianMsPerImage: ms[Math.floor(ms.length / 2)]?.toFixed(1),
  }),
);
