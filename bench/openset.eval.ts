// Open-set identification on ../shared/datasets/identities.csv with the default descriptor: enrol one photo per
// identity (the first by path), search with the rest; strangers are (a) each identity's own photos searched with that
// identity left out of the gallery, (b) the LFW confirm-fold images (people in no gallery; descriptors from the LFW
// cache, `eval lfw --faces .cache/lfw/faces-detector.json --embedders mobilefacenet --flip`). User vectors: the first
// three photos of identities with ≥ 4 enrolled as one user (similarity = best over its faces, as SearchUsers does),
// against the first photo alone, on the same probes. Nothing is tuned here: every figure is reported as measured.
// The data set files two CompreFace people under two names each, and one under three (docs/benchmarks.md): merged.
// Run: node --import tsx bench/openset.eval.ts [--datasets ../shared/datasets]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { createFaceDetector } from '../src/vision/detect/detector.factory.ts';
import {
  createDefaultEmbedder,
  DEFAULT_FACE_MODEL_VERSION,
  defaultSimilarity,
} from '../src/vision/embed/default.embedder.ts';
import { collectionThreshold } from '../src/vision/embed/similarity.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import { parsePairs } from '../src/vision/eval/lfw.pairs.ts';
import { lfwImageParts } from '../src/vision/eval/trust.split.ts';

const { values: args } = parseArgs({ options: { datasets: { type: 'string' } } });
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const datasets = resolve(args.datasets ?? resolve(repo, '../shared/datasets'));
if (!existsSync(join(datasets, 'identities.csv'))) {
  console.log(`SKIPPED: ${datasets}/identities.csv not found`);
  process.exit(0);
}
const ALIAS: Record<string, string> = {
  compreface_e2e_personA: 'compreface_sample_personB',
  compreface_e2e_personB: 'compreface_sample_personC',
  compreface_ml_personD: 'compreface_sample_personA',
};
const rows = readFileSync(join(datasets, 'identities.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','))
  .map(([path = '', id = '']) => ({ path, identity: ALIAS[id] ?? id }))
  .sort((a, b) => (a.path < b.path ? -1 : 1));

const toB64 = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
const fromB64 = (s: string) => new Float32Array(new Uint8Array(Buffer.from(s, 'base64')).buffer);
const cacheFile = join(repo, `.cache/openset/desc-${DEFAULT_FACE_MODEL_VERSION}.json`);
mkdirSync(dirname(cacheFile), { recursive: true });
const cache: Record<string, string | null> = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
// Each face's detected width in pixels, so that the stranger pairs accepted can be told apart by face size.
const widthFile = join(repo, `.cache/openset/width-${DEFAULT_FACE_MODEL_VERSION}.json`);
const widths: Record<string, number | null> = existsSync(widthFile) ? JSON.parse(readFileSync(widthFile, 'utf8')) : {};
if (rows.some((r) => !(r.path in cache) || !(r.path in widths))) {
  const config = loadConfig();
  const runtime = createModelRuntime(config);
  const detector = await createFaceDetector(runtime);
  const embedder = createDefaultEmbedder(runtime);
  for (const r of rows.filter((x) => !(x.path in cache) || !(x.path in widths))) {
    const { rgb } = await decodeImage(new Uint8Array(readFileSync(join(datasets, r.path))), config.images, {
      source: 'object',
    });
    // The largest face, as IndexFaces with MaxFaces 1 and SearchFacesByImage choose.
    const face = (await detector.detect(rgb)).sort(
      (a, b) => b.rect.width * b.rect.height - a.rect.width * a.rect.height,
    )[0];
    cache[r.path] = face
      ? toB64(await embedder.embed(rgb, { box: face.rect, points5: face.points5, mesh: face.mesh }))
      : null;
    widths[r.path] = face ? Math.round(face.rect.width * 10) / 10 : null;
  }
  writeFileSync(cacheFile, JSON.stringify(cache));
  writeFileSync(widthFile, JSON.stringify(widths));
  await runtime.close();
}
const faces = rows.filter((r) => cache[r.path]).map((r) => ({ ...r, d: fromB64(cache[r.path]!) }));
const byId = new Map<string, typeof faces>();
for (const f of faces) byId.set(f.identity, [...(byId.get(f.identity) ?? []), f]);
const enrolled = [...byId].filter(([, fs]) => fs.length >= 2);

// LFW strangers: the confirm-fold images' cached descriptors.
const lfwCache = join(
  repo,
  `.cache/lfw/desc-${DEFAULT_FACE_MODEL_VERSION.replace(/[^a-zA-Z0-9._+-]+/g, '_')}-cached-faces-detector.json`,
);
const lfwStrangers: Float32Array[] = [];
if (existsSync(lfwCache) && existsSync(join(datasets, 'lfw/pairs-dev.txt'))) {
  const parts = lfwImageParts(parsePairs(readFileSync(join(datasets, 'lfw/pairs-dev.txt'), 'utf8')).pairs);
  const c = JSON.parse(readFileSync(lfwCache, 'utf8')) as Record<string, { d: string; miss: boolean }>;
  for (const [k, v] of Object.entries(c)) if (parts.get(k) === 'confirm' && !v.miss) lfwStrangers.push(fromB64(v.d));
}

type Gallery = { identity: string; ds: Float32Array[]; paths?: string[] }[];
const best = (g: Gallery, q: Float32Array) => {
  let top = { identity: '', s: -1, path: '' };
  for (const u of g)
    u.ds.forEach((d, i) => {
      const s = defaultSimilarity(q, d);
      if (s > top.s) top = { identity: u.identity, s, path: u.paths?.[i] ?? '' };
    });
  return top;
};
const px = (path: string) => `${widths[path] ?? '?'} px`;
function report(name: string, gallery: Gallery, probes: { identity: string; d: Float32Array }[]) {
  const size = gallery.reduce((s, u) => s + u.ds.length, 0);
  const T = collectionThreshold(size);
  let rank1 = 0;
  const acc = { 80: 0, [T]: 0 } as Record<number, number>;
  for (const p of probes) {
    const top = best(gallery, p.d);
    if (top.identity === p.identity) {
      rank1++;
      for (const t of [80, T]) if (top.s >= t) acc[t]!++;
    }
  }
  // Leave-one-identity-out strangers: each probe searched against the gallery without its own identity.
  const loo = { n: 0, 80: 0, [T]: 0 } as Record<string | number, number>;
  const accepted: string[] = [];
  for (const u of gallery) {
    const others = gallery.filter((x) => x.identity !== u.identity);
    for (const p of faces.filter((f) => f.identity === u.identity)) {
      const top = best(others, p.d);
      const s = top.s;
      if (s >= 80) accepted.push(`${s} ${p.path} (${px(p.path)}) ~ ${top.path} (${px(top.path)})`);
      loo.n!++;
      for (const t of [80, T]) if (s >= t) loo[t]!++;
    }
  }
  const lfw = { 80: 0, [T]: 0 } as Record<number, number>;
  for (const q of lfwStrangers) {
    const s = best(gallery, q).s;
    for (const t of [80, T]) if (s >= t) lfw[t]!++;
  }
  const pc = (a: number, b: number) => `${a}/${b} (${((100 * a) / Math.max(1, b)).toFixed(1)}%)`;
  console.log(
    `${name} | gallery ${gallery.length} users / ${size} faces | probes ${probes.length} | rank-1 ${pc(rank1, probes.length)} | ` +
      `accepted right at 80 ${pc(acc[80]!, probes.length)}, at ${T} ${pc(acc[T]!, probes.length)} | ` +
      `strangers (identity left out) accepted at 80 ${pc(loo[80]!, loo.n!)}, at ${T} ${pc(loo[T]!, loo.n!)} | ` +
      `LFW strangers accepted at 80 ${pc(lfw[80]!, lfwStrangers.length)}, at ${T} ${pc(lfw[T]!, lfwStrangers.length)}`,
  );
  for (const a of accepted) console.log(`  stranger accepted at 80: ${a}`);
}
console.log(
  `${DEFAULT_FACE_MODEL_VERSION}: ${faces.length} faces of ${rows.length} photos, ${enrolled.length} identities with ≥ 2; ${lfwStrangers.length} LFW strangers`,
);
report(
  'one photo per identity',
  enrolled.map(([identity, fs]) => ({ identity, ds: [fs[0]!.d], paths: [fs[0]!.path] })),
  enrolled.flatMap(([, fs]) => fs.slice(1)),
);
const rich = enrolled.filter(([, fs]) => fs.length >= 4);
const probes = rich.flatMap(([, fs]) => fs.slice(3));
report(
  'identities with ≥ 4 photos, one face each',
  rich.map(([identity, fs]) => ({ identity, ds: [fs[0]!.d], paths: [fs[0]!.path] })),
  probes,
);
report(
  'the same, users of 3 faces (best over the user)',
  rich.map(([identity, fs]) => ({
    identity,
    ds: fs.slice(0, 3).map((f) => f.d),
    paths: fs.slice(0, 3).map((f) => f.path),
  })),
  probes,
);
