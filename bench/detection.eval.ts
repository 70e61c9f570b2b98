// Detection accuracy on ../shared/datasets/face_counts.csv: the exact face-count rate, false positives on the
// no-face photos, misses; the 25×25 LFW crops (face / non-face) are reported apart because they are below the
// 80-pixel minimum the API enforces (here they are decoded with that check off).
// Every figure is given for the choose and the confirm half of the CSV (FNV-1a hash of the path, docs/trust.md):
// detector settings may be chosen on the choose half only. Large group photos (≥ 5 faces) get their own recall line.
// Faces are what the engine reports (FaceDetector.detectAll: the mesh pass, then the profile pass where it runs).
// Run: npm run eval:detection [-- --tiling auto|always|never] [--portrait-ratio 0.2] [--profiles when-none|always|off]
//      [--verbose] [--datasets DIR]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { createFaceDetector } from '../src/vision/detect/detector.factory.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import { pathPart } from '../src/vision/eval/trust.split.ts';

const { values: args } = parseArgs({
  options: {
    tiling: { type: 'string', default: 'auto' },
    'portrait-ratio': { type: 'string', default: '0.2' },
    profiles: { type: 'string', default: 'when-none' },
    verbose: { type: 'boolean', default: false },
    datasets: { type: 'string' },
  },
});
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const datasets = resolve(args.datasets ?? resolve(repo, '../shared/datasets'));
const csv = join(datasets, 'face_counts.csv');
if (!existsSync(csv)) {
  console.log(`SKIPPED: ${csv} not found (the datasets live in ../shared/datasets next to the repository)`);
  process.exit(0);
}

const config = loadConfig();
const runtime = createModelRuntime(config);
const detector = await createFaceDetector(runtime, {
  tiling: args.tiling as 'auto' | 'always' | 'never',
  portraitFaceRatio: Number(args['portrait-ratio']),
  profilePass: args.profiles as 'when-none' | 'always' | 'off',
});
const limits = { ...config.images, minSide: 1 };
const rows = readFileSync(csv, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [path = '', n = '0'] = l.split(',');
    return { path, expected: Number(n) };
  });

interface Tally {
  images: number;
  exact: number;
  faces: number;
  found: number;
  fpImages: number;
  noFace: number;
  under: number;
  over: number;
}
const tally = (): Tally => ({ images: 0, exact: 0, faces: 0, found: 0, fpImages: 0, noFace: 0, under: 0, over: 0 });
const groups: Record<string, Tally> = {
  'photos choose': tally(),
  'photos confirm': tally(),
  'crops choose': tally(),
  'crops confirm': tally(),
  'groups ≥5 choose': tally(),
  'groups ≥5 confirm': tally(),
};
const times: number[] = [];
let profileFaces = 0;
for (const row of rows) {
  const part = pathPart(row.path);
  const kinds = [`${row.path.includes('lfw_subset') ? 'crops' : 'photos'} ${part}`];
  if (row.expected >= 5) kinds.push(`groups ≥5 ${part}`);
  const { rgb } = await decodeImage(await readFile(join(datasets, row.path)), limits, { maxSide: 1280 });
  const t0 = performance.now();
  const found = await detector.detectAll(rgb);
  times.push(performance.now() - t0);
  const n = found.length;
  profileFaces += found.filter((f) => f.kind === 'profile').length;
  for (const group of kinds.map((k) => groups[k]!)) {
    group.images++;
    group.faces += row.expected;
    group.found += Math.min(n, row.expected);
    if (n === row.expected) group.exact++;
    else if (n < row.expected) group.under++;
    else group.over++;
    if (row.expected === 0) {
      group.noFace++;
      if (n > 0) group.fpImages++;
    }
  }
  if (args.verbose && n !== row.expected) console.log(`  ${part} ${row.path}: expected ${row.expected}, found ${n}`);
}
// Unlabelled object photos: every detection is listed, to be judged by eye (some of these photos do show people).
const objectHits: string[] = [];
let objectImages = 0;
for (const dir of ['debian_opencv_doc_samples', 'dlib_test_objects']) {
  const root = join(datasets, dir);
  if (!existsSync(root)) continue;
  for (const f of readdirSync(root).filter((x) => /\.(jpe?g|png|webp)$/i.test(x))) {
    const { rgb } = await decodeImage(await readFile(join(root, f)), limits, { maxSide: 1280 });
    const faces = await detector.detectAll(rgb);
    objectImages++;
    if (faces.length > 0) objectHits.push(`${dir}/${f} (${faces.length})`);
  }
}
await runtime.close();

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '–');
times.sort((a, b) => a - b);
console.log(
  `detection on face_counts.csv, tiling=${args.tiling}, portrait ratio ${args['portrait-ratio']}, ` +
    `profiles=${args.profiles}, ${new Date().toISOString()}`,
);
for (const [name, t] of Object.entries(groups)) {
  console.log(
    `${name.padEnd(17)} images ${t.images}  exact count ${t.exact} (${pct(t.exact, t.images)}%)  ` +
      `under ${t.under} over ${t.over}  face recall ${t.found}/${t.faces} (${pct(t.found, t.faces)}%)  ` +
      `no-face images with a detection ${t.fpImages}/${t.noFace}`,
  );
}
for (const part of ['choose', 'confirm']) {
  const a = groups[`photos ${part}`]!;
  const b = groups[`crops ${part}`]!;
  console.log(
    `${part}: exact ${a.exact + b.exact}/${a.images + b.images} (${pct(a.exact + b.exact, a.images + b.images)}%)`,
  );
}
console.log(`faces reported by the profile pass (no mesh) on face_counts.csv: ${profileFaces}`);
console.log(
  `object photos (not labelled for faces): ${objectHits.length}/${objectImages} with a detection: ${objectHits.join(', ')}`,
);
console.log(
  `detect ms median ${times[Math.floor(times.length / 2)]?.toFixed(1)} p95 ${times[Math.floor(times.length * 0.95)]?.toFixed(1)}`,
);
