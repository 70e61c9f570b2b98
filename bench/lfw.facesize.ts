// Does a small face make strangers look alike? LFW images of one part of the split (folds 1–3 choose, 4–5 confirm),
// downscaled so the subject's face (the product detector's box on the original 250×250 image) is W px wide, then
// re-detected, aligned and described with the default descriptor, exactly as a photo with a face that small would be.
// Pairs: every different-person pair of the part (impostors) and every same-person pair (genuine), one side at
// W and the other at the original size ("W × orig", a small probe against a normal gallery face) and both at W.
// Reported per W: impostor cosine median and at FAR 1e-3 / 1e-4, the share of impostors at or above the cosine of
// similarity 80, genuine TAR at 70 / 80. Descriptors are cached under .cache/lfw-facesize.
// Run: node --import tsx bench/lfw.facesize.ts --part choose [--widths 40,56,70,90] [--jpeg 30] [--correction <json>]
// [--dataset ../shared/datasets/lfw]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadConfig } from '../src/config/config.ts';
import { createFaceDetector } from '../src/vision/detect/detector.factory.ts';
import {
  createDefaultEmbedder,
  DEFAULT_CALIBRATION,
  DEFAULT_FACE_MODEL_VERSION,
} from '../src/vision/embed/default.embedder.ts';
import { cosineForSimilarity } from '../src/vision/embed/similarity.ts';
import { cosine, fromB64, toB64 } from '../src/vision/eval/lfw.eval.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import { centralFace } from '../src/vision/eval/lfw.locators.ts';
import { parsePairs } from '../src/vision/eval/lfw.pairs.ts';
import { lfwImageParts } from '../src/vision/eval/trust.split.ts';

const { values: args } = parseArgs({
  options: {
    part: { type: 'string', default: 'choose' },
    widths: { type: 'string', default: '40,56,70,90' },
    dataset: { type: 'string' },
    correction: { type: 'string' },
    jpeg: { type: 'string' },
  },
});
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lfwDir = resolve(args.dataset ?? resolve(repo, '../shared/datasets/lfw'));
const facesFile = join(repo, '.cache/lfw/faces-detector.json');
if (!existsSync(join(lfwDir, 'pairs-dev.txt')) || !existsSync(facesFile)) {
  console.log(`SKIPPED: ${lfwDir}/pairs-dev.txt or ${facesFile} (bench/lfw.faces.ts) not found`);
  process.exit(0);
}
const part = args.part as 'choose' | 'confirm';
const widths = args.widths!.split(',').map(Number);
/** --jpeg Q: the downscaled image is also re-encoded as JPEG of quality Q (a TV still, a webcam frame). */
const jpeg = args.jpeg ? Number(args.jpeg) : 0;
const parts = lfwImageParts(parsePairs(readFileSync(join(lfwDir, 'pairs-dev.txt'), 'utf8')).pairs);
type Cached = { box: { width: number }; points5: [number, number][]; mesh?: number[] } | null;
const original = JSON.parse(readFileSync(facesFile, 'utf8')) as Record<string, Cached>;
const keys = [...parts].filter(([k, p]) => p === part && original[k]).map(([k]) => k);

/** One described face: descriptor, detected box width and inter-ocular distance in the image described. */
type Entry = { d: string; w: number; iod: number } | null;
const cacheDir = join(repo, '.cache/lfw-facesize');
mkdirSync(cacheDir, { recursive: true });
const cacheFile = (w: number) =>
  join(
    cacheDir,
    `desc-${DEFAULT_FACE_MODEL_VERSION.replace(/[^a-zA-Z0-9._+-]+/g, '_')}-${part}-w${w || 'orig'}${w && jpeg ? `-q${jpeg}` : ''}.json`,
  );
const caches = new Map<number, Record<string, Entry>>();
for (const w of [0, ...widths])
  caches.set(w, existsSync(cacheFile(w)) ? JSON.parse(readFileSync(cacheFile(w), 'utf8')) : {});

if ([0, ...widths].some((w) => keys.some((k) => !(k in caches.get(w)!)))) {
  const config = loadConfig();
  const runtime = createModelRuntime(config);
  const detector = await createFaceDetector(runtime);
  const embedder = createDefaultEmbedder(runtime);
  const iod = (p: readonly (readonly number[])[]) => Math.hypot(p[1]![0]! - p[0]![0]!, p[1]![1]! - p[0]![1]!);
  const r1 = (v: number) => Math.round(v * 10) / 10;
  for (const w of [0, ...widths]) {
    const cache = caches.get(w)!;
    let done = 0;
    for (const key of keys.filter((k) => !(k in cache))) {
      const bytes = readFileSync(join(lfwDir, 'images', key));
      const face0 = original[key]!;
      if (w === 0) {
        // The original size: the cached detection, as `eval lfw --faces .cache/lfw/faces-detector.json` uses.
        const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        const rgb = {
          data: new Uint8Array(data.buffer, data.byteOffset, data.length),
          width: info.width,
          height: info.height,
        };
        const d = await embedder.embed(rgb, face0 as never);
        cache[key] = { d: toB64(d), w: r1(face0.box.width), iod: r1(iod(face0.points5)) };
      } else {
        const scale = Math.min(1, w / face0.box.width);
        const side = Math.max(16, Math.round(250 * scale));
        const small = sharp(bytes).removeAlpha().resize({ width: side, height: side, fit: 'fill' });
        const { data, info } = await (jpeg ? sharp(await small.jpeg({ quality: jpeg }).toBuffer()) : small)
          .raw()
          .toBuffer({ resolveWithObject: true });
        const rgb = {
          data: new Uint8Array(data.buffer, data.byteOffset, data.length),
          width: info.width,
          height: info.height,
        };
        const f = centralFace(
          await detector.detect(rgb),
          (x) => [x.rect.x + x.rect.width / 2, x.rect.y + x.rect.height / 2],
          rgb,
        );
        cache[key] = f
          ? {
              d: toB64(await embedder.embed(rgb, { box: f.rect, points5: f.points5, mesh: f.mesh })),
              w: r1(f.rect.width),
              iod: r1(iod(f.points5)),
            }
          : null;
      }
      if (++done % 250 === 0) {
        writeFileSync(cacheFile(w), JSON.stringify(cache));
        console.error(`w ${w || 'orig'}: ${done} images`);
      }
    }
    writeFileSync(cacheFile(w), JSON.stringify(cache));
  }
  await runtime.close();
}

// ---- Scoring ----
const person = (k: string) => k.split('/')[0]!;
type Face = { key: string; person: string; d: Float32Array; w: number; iod: number };
const load = (w: number): (Face | null)[] =>
  keys.map((key) => {
    const e = caches.get(w)![key];
    return e ? { key, person: person(key), d: fromB64(e.d), w: e.w, iod: e.iod } : null;
  });
const COS70 = cosineForSimilarity(70, DEFAULT_CALIBRATION.knots);
const COS80 = cosineForSimilarity(80, DEFAULT_CALIBRATION.knots);
/** Optional correction under test: {"knots": [[width, cosine shift], ...]} on the pair's smaller box width. */
const correction = args.correction ? (JSON.parse(args.correction) as { knots: [number, number][] }) : null;
const shift = (w: number) => {
  if (!correction) return 0;
  const k = correction.knots;
  if (w <= k[0]![0]) return k[0]![1];
  for (let i = 1; i < k.length; i++)
    if (w <= k[i]![0])
      return k[i - 1]![1] + ((w - k[i - 1]![0]) / (k[i]![0] - k[i - 1]![0])) * (k[i]![1] - k[i - 1]![1]);
  return k[k.length - 1]![1];
};
function pairs(xs: (Face | null)[], ys: (Face | null)[], symmetric: boolean) {
  const imp: number[] = [];
  const gen: number[] = [];
  const minW: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const a = xs[i];
    if (!a) continue;
    for (let j = symmetric ? i + 1 : 0; j < ys.length; j++) {
      const b = ys[j];
      if (!b || i === j) continue;
      const c = cosine(a.d, b.d) - shift(Math.min(a.w, b.w));
      if (a.person === b.person) gen.push(c);
      else imp.push(c);
      minW.push(Math.min(a.w, b.w));
    }
  }
  return { imp, gen, minW };
}
const q = (sortedDesc: number[], far: number) =>
  sortedDesc[Math.min(sortedDesc.length - 1, Math.floor(far * sortedDesc.length))]!;
const f4 = (v: number) => v.toFixed(4);
const pc = (v: number) => `${(100 * v).toFixed(2)}%`;
function row(label: string, r: { imp: number[]; gen: number[]; minW: number[] }) {
  const imp = [...r.imp].sort((a, b) => b - a);
  const at = (c: number, xs: number[]) => xs.filter((x) => x >= c).length / Math.max(1, xs.length);
  const w = [...r.minW].sort((a, b) => a - b)[r.minW.length >> 1]!;
  console.log(
    `| ${label} | ${w.toFixed(0)} | ${imp.length} | ${f4(q(imp, 0.5))} | ${f4(q(imp, 1e-3))} | ${f4(q(imp, 1e-4))} | ` +
      `${(at(COS80, imp) * 1e4).toFixed(2)} | ${r.gen.length} | ${pc(at(COS70, r.gen))} | ${pc(at(COS80, r.gen))} |`,
  );
}
const orig = load(0);
console.log(
  `${DEFAULT_FACE_MODEL_VERSION}, LFW ${part}: ${orig.filter(Boolean).length} images${jpeg ? `, small ones as JPEG q${jpeg}` : ''}${correction ? `, correction ${args.correction}` : ''}`,
);
console.log(
  '| pair | median smaller width px | impostors | impostor median | cos @FAR 1e-3 | cos @FAR 1e-4 | impostors ≥ 80 per 10⁴ | genuine | TAR ≥ 70 | TAR ≥ 80 |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
row('orig × orig', pairs(orig, orig, true));
for (const w of widths) {
  const small = load(w);
  const miss = small.filter((x) => !x).length;
  row(`${w} × orig (${miss} not detected)`, pairs(small, orig, false));
  row(`${w} × ${w}`, pairs(small, small, true));
}
