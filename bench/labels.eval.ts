// Label precision / recall for Person and the COCO animals on bench/labels.list.csv (photos of
// ../shared/datasets labelled by inspection or from face_counts.csv; docs/trust.md says how the list was built).
// centernet's raw detections (whole view + tiles, the zoomed-out view) and the face detector's boxes are cached
// per image in .cache/labels/raw.json, so the label rules below are compared without re-running any model.
// The split: choose = even FNV-1a hash of the path, confirm = odd (src/vision/eval/trust.split.ts).
// Run: node --import tsx bench/labels.eval.ts [--datasets ../shared/datasets] [--part choose|confirm|all] [--chosen]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import { createFaceDetector } from '../src/vision/detect/detector.factory.ts';
import { detectObjects, detectZoomedOut, type Detection } from '../src/vision/labels/centernet.decode.ts';
import { toLabels } from '../src/vision/labels/labels.detect.ts';
import {
  ANIMAL_CLASSES,
  averageViews,
  DEFAULT_LABEL_GATES,
  gateDetections,
  isCloseUp,
  oneAnimalPerObject,
  ZOOM_OUT,
} from '../src/vision/labels/labels.gate.ts';
import { COCO_LABELS } from '../src/vision/labels/coco.labels.ts';
import { pathPart, type SplitPart } from '../src/vision/eval/trust.split.ts';
import type { Rect } from '../src/vision/geometry/box.geometry.ts';

const { values: args } = parseArgs({
  options: { datasets: { type: 'string' }, part: { type: 'string' }, chosen: { type: 'boolean' } },
});
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const datasets = resolve(args.datasets ?? resolve(repo, '../shared/datasets'));
if (!existsSync(join(datasets, 'face_counts.csv'))) {
  console.log(`SKIPPED: ${datasets} not found (the datasets live in ../shared/datasets next to the repository)`);
  process.exit(0);
}
const rows = readFileSync(join(repo, 'bench/labels.list.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [path = '', labels = ''] = l.split(',');
    return { path, truth: new Set(labels.split('|').filter(Boolean)), part: pathPart(path) };
  });
interface Raw {
  whole: Detection[];
  zoomed: Detection[];
  faces: Rect[];
  width: number;
  height: number;
}
const cacheFile = join(repo, '.cache/labels/raw.json');
mkdirSync(dirname(cacheFile), { recursive: true });
const cache: Record<string, Raw> = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
const todo = rows.filter((r) => !cache[r.path]);
if (todo.length) {
  const config = loadConfig();
  const runtime = createModelRuntime(config);
  const detector = await createFaceDetector(runtime);
  for (const r of todo) {
    const { rgb } = await decodeImage(new Uint8Array(await readFile(join(datasets, r.path))), config.images, {
      source: 'object',
      maxSide: config.vision.maxSide,
    });
    cache[r.path] = {
      whole: await detectObjects(runtime, rgb),
      zoomed: await detectZoomedOut(runtime, rgb, ZOOM_OUT),
      faces: (await detector.detect(rgb)).map((f) => f.rect),
      width: rgb.width,
      height: rgb.height,
    };
  }
  writeFileSync(cacheFile, JSON.stringify(cache));
  await runtime.close();
}

const VOCAB = new Set(['Person', ...[...ANIMAL_CLASSES].map((c) => COCO_LABELS[c]!.names[0]!)]);
type Rule = (r: Raw) => Detection[];
const zoom: Rule = (r) => (isCloseUp(r.whole, r.width, r.height) ? averageViews(r.whole, r.zoomed) : r.whole);
const variants: Record<string, Rule> = {
  'centernet as before': (r) => r.whole,
  'zoom-out on close-ups (mean of views)': zoom,
  'zoom-out + one animal per object': (r) => oneAnimalPerObject(zoom(r)),
};
// The gates' candidates (the choose part picked person 0.4, animal 0.25: the lowest bars at the best precision);
// `--part confirm --chosen` scores only the chosen rule.
const grid = args.chosen
  ? [[DEFAULT_LABEL_GATES.personWithoutFace, DEFAULT_LABEL_GATES.animal]]
  : [0.35, 0.4, 0.5].flatMap((p) => [0, 0.2, 0.25, 0.3, 0.35].map((a) => [p, a]));
if (args.chosen) for (const k of Object.keys(variants)) if (k !== 'centernet as before') delete variants[k];
for (const [person, animal] of grid) {
  variants[`zoom + one animal + gates person ${person} animal ${animal}`] = (r) =>
    gateDetections(oneAnimalPerObject(zoom(r)), r.faces, { personWithoutFace: person!, animal: animal! });
}

function score(rule: Rule, part: SplitPart | 'all', min: number) {
  const tally = { person: { tp: 0, fp: 0, fn: 0 }, animal: { tp: 0, fp: 0, fn: 0 } };
  const wrong: string[] = [];
  for (const row of rows.filter((x) => part === 'all' || x.part === part)) {
    const raw = cache[row.path]!;
    const got = new Set(
      toLabels(rule(raw), raw.width, raw.height, { minConfidence: min })
        .map((l) => l.name)
        .filter((n) => VOCAB.has(n)),
    );
    for (const name of VOCAB) {
      const t = tally[name === 'Person' ? 'person' : 'animal'];
      const want = row.truth.has(name);
      const has = got.has(name);
      if (want && has) t.tp++;
      else if (has) {
        t.fp++;
        wrong.push(`${row.path}: +${name}`);
      } else if (want) {
        t.fn++;
        wrong.push(`${row.path}: -${name}`);
      }
    }
  }
  return { tally, wrong };
}
const pr = (t: { tp: number; fp: number; fn: number }) =>
  `P ${t.tp + t.fp ? ((100 * t.tp) / (t.tp + t.fp)).toFixed(1) : '—'}% R ${t.tp + t.fn ? ((100 * t.tp) / (t.tp + t.fn)).toFixed(1) : '—'}% (tp ${t.tp} fp ${t.fp} fn ${t.fn})`;
const parts = (args.part ?? 'choose').split(',') as (SplitPart | 'all')[];
console.log(
  `${rows.length} photos (choose ${rows.filter((r) => r.part === 'choose').length}, confirm ${rows.filter((r) => r.part === 'confirm').length}); parts shown: ${parts.join(', ')}`,
);
for (const [name, rule] of Object.entries(variants)) {
  for (const part of parts) {
    for (const min of [55, 85]) {
      const { tally, wrong } = score(rule, part, min);
      console.log(
        `${name} | ${part} | MinConfidence ${min} | Person ${pr(tally.person)} | animal class ${pr(tally.animal)}`,
      );
      if (process.env.VERBOSE) for (const w of wrong) console.log(`   ${w}`);
    }
  }
}
