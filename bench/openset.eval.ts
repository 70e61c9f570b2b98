// Open-set identification on ../shared/datasets/identities.csv with one of the product's descriptors (`--descriptor
// default|fusion3`, as FACEGATE_DESCRIPTOR): enrol one photo per identity (the first by path), search with the rest;
// strangers are (a) each identity's own photos searched with that identity left out of the gallery, (b) the LFW
// confirm-fold images (people in no gallery). Their descriptors come from the per-model LFW caches that `eval lfw
// --faces .cache/lfw/faces-detector.json --embedders <models> --flip` writes (a fused descriptor combines its models'
// entries, as the fusion does); confirm-fold entries missing there are computed the same way and added, so either
// command can reuse them. User vectors: the first three photos of identities with ≥ 4 enrolled as one user
// (similarity = best over its faces, as SearchUsers does), against the first photo alone, on the same probes. Nothing
// is tuned here: every figure is reported as measured, at 80 and at the collection threshold, for either descriptor.
// The data set files two CompreFace people under two names each, and one under three (docs/benchmarks.md): merged.
// Run: node --import tsx bench/openset.eval.ts [--descriptor default|fusion3] [--datasets ../shared/datasets]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { createFaceDetector } from '../src/vision/detect/detector.factory.ts';
import type { Embedder } from '../src/vision/embed/embedder.port.ts';
import { createDescriptor, type DescriptorChoice } from '../src/vision/embed/fusion.descriptor.ts';
import { FusionEmbedder } from '../src/vision/embed/fusion.embedder.ts';
import { collectionThreshold } from '../src/vision/embed/similarity.ts';
import { fromB64, lfwCentreGeometry, toB64 } from '../src/vision/eval/lfw.eval.ts';
import { cachedFacesLocator } from '../src/vision/eval/lfw.locators.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import type { InferenceRuntime } from '../src/vision/runtime/inference.port.ts';
import { parsePairs } from '../src/vision/eval/lfw.pairs.ts';
import { lfwImageParts } from '../src/vision/eval/trust.split.ts';

const { values: args } = parseArgs({
  options: { datasets: { type: 'string' }, descriptor: { type: 'string', default: 'default' } },
});
const CHOICES: Record<string, DescriptorChoice> = { default: 'mobilefacenet', fusion3: 'fusion3' };
const choice = CHOICES[args.descriptor!];
if (!choice) throw new RangeError(`--descriptor must be default or fusion3, not ${args.descriptor}`);
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

// Models load only when a descriptor has to be computed; similarity and version need none.
const NO_RUNTIME: InferenceRuntime = {
  session: () => Promise.reject(new Error('no models loaded')),
  close: async () => undefined,
};
const { similarity, embedder: spec } = createDescriptor(NO_RUNTIME, choice);
const version = spec.version;
let engine: { config: ReturnType<typeof loadConfig>; runtime: InferenceRuntime; embedder: Embedder } | undefined;
const loadEngine = () => {
  if (!engine) {
    const config = loadConfig();
    const runtime = createModelRuntime(config);
    engine = { config, runtime, embedder: createDescriptor(runtime, choice).embedder };
  }
  return engine;
};

const safe = (s: string) => s.replace(/[^a-zA-Z0-9._+-]+/g, '_').slice(0, 180);
// Keyed by descriptor version (the default's file name is unchanged: its version has no unsafe characters).
const cacheFile = join(repo, `.cache/openset/desc-${safe(version)}.json`);
mkdirSync(dirname(cacheFile), { recursive: true });
const cache: Record<string, string | null> = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
// Each face's detected width in pixels, so that the stranger pairs accepted can be told apart by face size.
const widthFile = join(repo, `.cache/openset/width-${safe(version)}.json`);
const widths: Record<string, number | null> = existsSync(widthFile) ? JSON.parse(readFileSync(widthFile, 'utf8')) : {};
if (rows.some((r) => !(r.path in cache) || !(r.path in widths))) {
  const { config, runtime, embedder } = loadEngine();
  const detector = await createFaceDetector(runtime);
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
}
const faces = rows.filter((r) => cache[r.path]).map((r) => ({ ...r, d: fromB64(cache[r.path]!) }));
const byId = new Map<string, typeof faces>();
for (const f of faces) byId.set(f.identity, [...(byId.get(f.identity) ?? []), f]);
const enrolled = [...byId].filter(([, fs]) => fs.length >= 2);

// LFW strangers: the confirm-fold images, in the `eval lfw` cache format (one file per model, entry {d, ms, miss}; a
// miss is described at LFW's centre geometry there, and left out here).
const lfwDir = join(datasets, 'lfw');
const facesFile = join(repo, '.cache/lfw/faces-detector.json');
const models = spec instanceof FusionEmbedder ? spec.parts.map((p) => p.embedder.version) : [version];
const lfwFiles = models.map((m) => join(repo, `.cache/lfw/desc-${safe(m)}-cached-faces-detector.json`));
type LfwEntry = { d: string; ms: number; miss: boolean };
const lfwCaches = lfwFiles.map((f) =>
  existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Record<string, LfwEntry>) : {},
);
const confirm = existsSync(join(lfwDir, 'pairs-dev.txt'))
  ? [...lfwImageParts(parsePairs(readFileSync(join(lfwDir, 'pairs-dev.txt'), 'utf8')).pairs)]
      .filter(([, part]) => part === 'confirm')
      .map(([k]) => k)
  : [];
const lfwMissing = confirm.filter((k) => lfwCaches.some((c) => !c[k]));
if (lfwMissing.length && existsSync(facesFile)) {
  const { config, embedder } = loadEngine();
  const parts = embedder instanceof FusionEmbedder ? embedder.parts.map((p) => p.embedder) : [embedder];
  const locator = cachedFacesLocator(facesFile);
  let done = 0;
  const save = () => lfwFiles.forEach((f, i) => writeFileSync(f, JSON.stringify(lfwCaches[i])));
  for (const key of lfwMissing) {
    const image = (await decodeImage(new Uint8Array(readFileSync(join(lfwDir, 'images', key))), config.images)).rgb;
    const found = await locator.locate(image, key);
    const face = found ?? lfwCentreGeometry(image);
    for (let i = 0; i < parts.length; i++) {
      if (lfwCaches[i]![key]) continue;
      const t = performance.now();
      const d = await parts[i]!.embed(image, face);
      lfwCaches[i]![key] = { d: toB64(d), ms: performance.now() - t, miss: found === null };
    }
    if (++done % 250 === 0) save();
  }
  save();
}
const lfwStrangers: Float32Array[] = [];
for (const k of confirm) {
  const es = lfwCaches.map((c) => c[k]);
  if (es.some((e) => !e || e.miss)) continue;
  const ds = es.map((e) => fromB64(e!.d));
  lfwStrangers.push(spec instanceof FusionEmbedder ? spec.combine(ds) : ds[0]!);
}
await engine?.runtime.close();

type Gallery = { identity: string; ds: Float32Array[]; paths?: string[] }[];
const best = (g: Gallery, q: Float32Array) => {
  let top = { identity: '', s: -1, path: '' };
  for (const u of g)
    u.ds.forEach((d, i) => {
      const s = similarity(q, d);
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
  // The most similar left-out stranger, so a descriptor that accepts none still shows its margin below 80.
  let closest = { s: -1, pair: '' };
  for (const u of gallery) {
    const others = gallery.filter((x) => x.identity !== u.identity);
    for (const p of faces.filter((f) => f.identity === u.identity)) {
      const top = best(others, p.d);
      const s = top.s;
      const pair = `${s} ${p.path} (${px(p.path)}) ~ ${top.path} (${px(top.path)})`;
      if (s >= 80) accepted.push(pair);
      if (s > closest.s) closest = { s, pair };
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
  console.log(`  closest left-out stranger: ${closest.pair}`);
}
console.log(
  `${version}: ${faces.length} faces of ${rows.length} photos, ${enrolled.length} identities with ≥ 2; ${lfwStrangers.length} LFW strangers`,
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
