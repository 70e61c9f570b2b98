// Detects every face of every LFW image once with the product's detector and writes them to a cached-faces file
// (key → {box, points5, mesh, score, faces: [{box, score}]}), which `facegate eval lfw --faces <file>` reuses: the
// detector is the costly part of an LFW run, and the file also holds what CompareFaces' source-face choice and
// quality-aware fusion need (every face's box and presence score). The subject is the face nearest the centre.
// Usage: node --import tsx bench/lfw.faces.ts [--out .cache/lfw/faces-detector.json]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import { createFaceDetector } from '../src/vision/detect/detector.factory.ts';
import { parsePairs, pairImages } from '../src/vision/eval/lfw.pairs.ts';
import { centralFace } from '../src/vision/eval/lfw.locators.ts';

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : d;
};
const lfwDir = resolve(arg('--dataset', '../shared/datasets/lfw'));
const out = resolve(arg('--out', '.cache/lfw/faces-detector.json'));
if (!existsSync(join(lfwDir, 'pairs-dev.txt'))) {
  console.log(`skipped: ${lfwDir}/pairs-dev.txt is absent`);
  process.exit(0);
}
const images = pairImages(parsePairs(readFileSync(join(lfwDir, 'pairs-dev.txt'), 'utf8')).pairs);
const config = loadConfig();
const runtime = createModelRuntime(config);
const detector = await createFaceDetector(runtime);
const r1 = (v: number) => Math.round(v * 10) / 10;
const rect = (r: { x: number; y: number; width: number; height: number }) => ({
  x: r1(r.x),
  y: r1(r.y),
  width: r1(r.width),
  height: r1(r.height),
});
const cache: Record<string, unknown> = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {};
mkdirSync(dirname(out), { recursive: true });
const ms: number[] = [];
let done = 0;
for (const key of images) {
  if (key in cache) continue;
  const { rgb } = await decodeImage(new Uint8Array(await readFile(join(lfwDir, 'images', key))), config.images);
  const t0 = performance.now();
  const faces = await detector.detect(rgb);
  ms.push(performance.now() - t0);
  const f = centralFace(faces, (x) => [x.rect.x + x.rect.width / 2, x.rect.y + x.rect.height / 2], rgb);
  cache[key] = f
    ? {
        box: rect(f.rect),
        points5: f.points5.map(([x, y]) => [r1(x), r1(y)]),
        mesh: Array.from(f.mesh, r1),
        score: Math.round(f.score * 1e4) / 1e4,
        faces: faces.map((g) => ({ box: rect(g.rect), score: Math.round(g.score * 1e4) / 1e4 })),
      }
    : null;
  if (++done % 250 === 0) {
    writeFileSync(out, JSON.stringify(cache));
    console.log(`${done} images, median detect ${ms.sort((a, b) => a - b)[ms.length >> 1]!.toFixed(1)} ms`);
  }
}
writeFileSync(out, JSON.stringify(cache));
console.log(
  `${Object.keys(cache).length} images in ${out}; ${Object.values(cache).filter((v) => !v).length} without a face`,
);
await runtime.close();
