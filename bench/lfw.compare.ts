// CompareFaces on the LFW pairs: the source face is the largest of the first image (AWS's documented behaviour)
// and the answer is the best over every face of the second image, against the LFW protocol (the centred subject on
// both sides). Only images with more than one face differ; their faces are detected and embedded here (default
// descriptor), the others come from the LFW cache (`eval lfw --faces .cache/lfw/faces-detector.json
// --embedders mobilefacenet --flip`). Threshold: chosen on the choose folds for each rule, applied to the confirm folds.
// Run: node --import tsx bench/lfw.compare.ts [--dataset ../shared/datasets/lfw]
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import { createFaceDetector } from '../src/vision/detect/detector.factory.ts';
import { createDefaultEmbedder, DEFAULT_FACE_MODEL_VERSION } from '../src/vision/embed/default.embedder.ts';
import { parsePairs } from '../src/vision/eval/lfw.pairs.ts';
import { accuracyAt, bestThreshold, type ScoredPair } from '../src/vision/eval/lfw.metrics.ts';
import { lfwFoldPart } from '../src/vision/eval/trust.split.ts';
import { centralFace } from '../src/vision/eval/lfw.locators.ts';
import { fromB64 } from '../src/vision/eval/lfw.eval.ts';

const { values: args } = parseArgs({ options: { dataset: { type: 'string' } } });
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lfwDir = resolve(args.dataset ?? resolve(repo, '../shared/datasets/lfw'));
const facesFile = join(repo, '.cache/lfw/faces-detector.json');
const descFile = join(repo, `.cache/lfw/desc-${DEFAULT_FACE_MODEL_VERSION}-cached-faces-detector.json`);
if (!existsSync(join(lfwDir, 'pairs-dev.txt')) || !existsSync(descFile)) {
  console.log(`SKIPPED: needs ${lfwDir}/pairs-dev.txt and ${descFile}`);
  process.exit(0);
}
const faces = JSON.parse(readFileSync(facesFile, 'utf8')) as Record<string, { faces: unknown[] } | null>;
const central = new Map(
  Object.entries(JSON.parse(readFileSync(descFile, 'utf8')) as Record<string, { d: string }>).map(([k, v]) => [
    k,
    fromB64(v.d),
  ]),
);
const pairs = parsePairs(readFileSync(join(lfwDir, 'pairs-dev.txt'), 'utf8')).pairs;
const config = loadConfig();
const runtime = createModelRuntime(config);
const detector = await createFaceDetector(runtime);
const embedder = createDefaultEmbedder(runtime);
// Every face of multi-face images: [largest first], and whether the largest is the centred subject.
const all = new Map<string, { ds: Float32Array[]; largestIsSubject: boolean }>();
const multi = new Set(pairs.flatMap((p) => [p.a, p.b]).filter((k) => (faces[k]?.faces.length ?? 0) > 1));
for (const k of multi) {
  const { rgb } = await decodeImage(new Uint8Array(await readFile(join(lfwDir, 'images', k))), config.images);
  const found = (await detector.detect(rgb)).sort(
    (a, b) => b.rect.width * b.rect.height - a.rect.width * a.rect.height,
  );
  const subject = centralFace(found, (x) => [x.rect.x + x.rect.width / 2, x.rect.y + x.rect.height / 2], rgb);
  const ds: Float32Array[] = [];
  for (const f of found) ds.push(await embedder.embed(rgb, { box: f.rect, points5: f.points5, mesh: f.mesh }));
  all.set(k, { ds, largestIsSubject: found[0] === subject });
}
await runtime.close();
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const source = (k: string) => all.get(k)?.ds[0] ?? central.get(k)!;
const targets = (k: string) => all.get(k)?.ds ?? [central.get(k)!];
const rules: Record<string, (a: string, b: string) => number> = {
  'LFW protocol (centred subject both sides)': (a, b) => dot(central.get(a)!, central.get(b)!),
  'CompareFaces: largest source face, best target face': (a, b) =>
    Math.max(...targets(b).map((t) => dot(source(a), t))),
  'centred source face, best target face': (a, b) => Math.max(...targets(b).map((t) => dot(central.get(a)!, t))),
};
console.log(
  `${multi.size} of the pairs' images hold more than one face; in ${[...all.values()].filter((v) => !v.largestIsSubject).length} the largest face is not the centred subject`,
);
for (const [name, rule] of Object.entries(rules)) {
  const scored: ScoredPair[] = pairs.map((p) => ({ fold: p.fold, same: p.same, score: rule(p.a, p.b) }));
  const choose = scored.filter((p) => lfwFoldPart(p.fold) === 'choose');
  const t = bestThreshold(choose);
  const confirm = scored.filter((p) => lfwFoldPart(p.fold) === 'confirm');
  console.log(
    `${name} | choose ${(100 * accuracyAt(choose, t)).toFixed(2)}% (fitted) | confirm ${(100 * accuracyAt(confirm, t)).toFixed(2)}%`,
  );
}
