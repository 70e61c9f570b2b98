// Quality-aware score fusion of the default descriptor (MobileFaceNet + flip, bench/lfw.align.ts "base") with
// face-api's ResNet on dlib's mesh chip: score = cos_mfn / sd_mfn + w(q) · cos_fa / sd_fa, where q is a pair's
// quality (the larger |yaw| of its two faces, from the mesh; or the smaller detector presence score) and w takes
// one value below a cut and another above it. Cut and weights are chosen on all within-part pairs of the choose
// images (TAR at FAR 1e-4, then 1e-3); the chosen rule is then measured once on the confirm images.
// Needs: bench/lfw.align.ts --variants base on both parts, and `facegate eval lfw --embedders faceapi-resnet-dlib5
// [--flip]` (its descriptor cache). Usage: node --import tsx bench/lfw.qfusion.ts [--flip] [--dataset <lfw dir>]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePairs, pairImages } from '../src/vision/eval/lfw.pairs.ts';
import { lfwImageParts, lfwFoldPart, type SplitPart } from '../src/vision/eval/trust.split.ts';
import { splitAccuracy, tarAtFarScores, type ScoredPair } from '../src/vision/eval/lfw.metrics.ts';
import { cosine, fromB64 } from '../src/vision/eval/lfw.eval.ts';
import { MESH, pt } from '../src/vision/detect/mesh.landmarks.ts';

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : d;
};
const flip = process.argv.includes('--flip');
const lfwDir = resolve(arg('--dataset', '../shared/datasets/lfw'));
const cache = resolve('.cache/lfw');
const pairs = parsePairs(readFileSync(join(lfwDir, 'pairs-dev.txt'), 'utf8')).pairs;
const parts = lfwImageParts(pairs);
const images = pairImages(pairs);
const mfnRaw = JSON.parse(readFileSync(join(cache, 'align-base.json'), 'utf8')) as Record<string, string>;
const faName = `desc-faceapi-resnet-dlib5mesh-v1${flip ? '+flip' : ''}-cached-faces-detector.json`;
const faRaw = JSON.parse(readFileSync(join(cache, faName), 'utf8')) as Record<string, { d: string }>;
const faces = JSON.parse(readFileSync(join(cache, 'faces-detector.json'), 'utf8')) as Record<
  string,
  { mesh: number[]; score: number } | null
>;
const mfn = new Map(images.map((k) => [k, fromB64(mfnRaw[k]!)]));
const fa = new Map(images.map((k) => [k, fromB64(faRaw[k]!.d)]));

/** |yaw| proxy: the nose tip's offset from the middle of the two upper jaw points, over their distance. */
function yaw(k: string): number {
  const f = faces[k];
  if (!f) return 1;
  const m = Float32Array.from(f.mesh);
  const [nx] = pt(m, MESH.noseTip);
  const [lx] = pt(m, MESH.jawUpperLeft);
  const [rx] = pt(m, MESH.jawUpperRight);
  return Math.abs((nx - (lx + rx) / 2) / Math.max(1, rx - lx));
}
const quality = {
  yaw: new Map(images.map((k) => [k, yaw(k)])),
  presence: new Map(images.map((k) => [k, 1 - (faces[k]?.score ?? 0)])),
};
type Q = keyof typeof quality;

interface PairSet {
  a: Float32Array;
  b: Float32Array;
  same: Uint8Array;
  q: Record<Q, Float32Array>;
}

function allPairs(part: SplitPart): PairSet {
  const keys = images.filter((k) => parts.get(k) === part);
  const ids = keys.map((k) => k.split('/')[0]!);
  const n = (keys.length * (keys.length - 1)) / 2;
  const s: PairSet = {
    a: new Float32Array(n),
    b: new Float32Array(n),
    same: new Uint8Array(n),
    q: { yaw: new Float32Array(n), presence: new Float32Array(n) },
  };
  let p = 0;
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++, p++) {
      s.a[p] = cosine(mfn.get(keys[i]!)!, mfn.get(keys[j]!)!);
      s.b[p] = cosine(fa.get(keys[i]!)!, fa.get(keys[j]!)!);
      s.same[p] = ids[i] === ids[j] ? 1 : 0;
      for (const q of Object.keys(quality) as Q[])
        s.q[q][p] = Math.max(quality[q].get(keys[i]!)!, quality[q].get(keys[j]!)!);
    }
  }
  return s;
}

/** Mean and standard deviation of a model's scores over the choose pairs (no labels used). */
const moments = (v: Float32Array) => {
  let m = 0;
  for (const x of v) m += x;
  m /= v.length;
  let s = 0;
  for (const x of v) s += (x - m) ** 2;
  return { m, sd: Math.sqrt(s / v.length) };
};
type Moments = ReturnType<typeof moments>;

interface Rule {
  q: Q;
  cut: number;
  low: number;
  high: number;
}
// Weighted mean of the two z-scores, so that pairs under either weight share one scale (one threshold).
const fuse = (a: number, b: number, w: number, ma: Moments, mb: Moments) =>
  ((a - ma.m) / ma.sd + (w * (b - mb.m)) / mb.sd) / (1 + w);
const weight = (r: Rule, q: number) => (q < r.cut ? r.low : r.high);
const fused = (s: PairSet, r: Rule, ma: Moments, mb: Moments) =>
  Float32Array.from(s.a, (a, i) => fuse(a, s.b[i]!, weight(r, s.q[r.q][i]!), ma, mb));

function tars(scores: Float32Array, same: Uint8Array): [number, number, number] {
  const imp: number[] = [];
  const gen: number[] = [];
  scores.forEach((v, i) => (same[i] ? gen : imp).push(v));
  return [1e-3, 1e-4, 1e-5].map((far) => 100 * tarAtFarScores(imp, gen, far).tar) as [number, number, number];
}

const choose = allPairs('choose');
// One scale per model, fixed on the choose pairs (as fuseScores does without labels).
const ma = moments(choose.a);
const mb = moments(choose.b);
const rules: Rule[] = [{ q: 'yaw', cut: 0, low: 0, high: 0 }];
for (const w of [0.25, 0.5, 0.75, 1]) rules.push({ q: 'yaw', cut: 0, low: w, high: w });
for (const q of Object.keys(quality) as Q[]) {
  // Cuts at quantiles of the images' non-zero quality values (most presence scores are 1.0).
  const qs = Float32Array.from([...quality[q].values()].filter((v) => v > 0)).sort();
  for (const pc of [0.5, 0.75, 0.9]) {
    const cut = qs[Math.floor(pc * qs.length)]!;
    for (const low of [0, 0.25, 0.5, 1])
      for (const high of [0.25, 0.5, 1, 1.5]) if (high > low) rules.push({ q, cut, low, high });
  }
}
const name = (r: Rule) =>
  r.low === r.high ? `fixed w=${r.low}` : `${r.q} ≥ ${r.cut.toFixed(3)}: w ${r.low} → ${r.high}`;
const results = rules.map((r) => ({ r, t: tars(fused(choose, r, ma, mb), choose.same) }));
console.log(`choose: ${choose.a.length} pairs, face-api ${flip ? '+ flip' : 'no flip'}`);
console.log('rule | TAR@1e-3 | TAR@1e-4 | TAR@1e-5');
for (const { r, t } of results) console.log(`${name(r)} | ${t.map((v) => v.toFixed(2)).join(' | ')}`);
const best = results.filter((x) => x.r.low !== x.r.high).sort((x, y) => y.t[1] - x.t[1] || y.t[0] - x.t[0])[0]!;
const bestFixed = results
  .filter((x) => x.r.low === x.r.high && x.r.low > 0)
  .sort((x, y) => y.t[1] - x.t[1] || y.t[0] - x.t[0])[0]!;
console.log(`chosen quality rule: ${name(best.r)}; chosen fixed weight: ${name(bestFixed.r)}`);

const confirm = allPairs('confirm');
for (const r of [rules[0]!, bestFixed.r, best.r]) {
  const t = tars(fused(confirm, r, ma, mb), confirm.same);
  const listed: ScoredPair[] = pairs.map((p) => {
    const qa = quality[r.q].get(p.a)!;
    const qb = quality[r.q].get(p.b)!;
    const w = weight(r, Math.max(qa, qb));
    const score = fuse(cosine(mfn.get(p.a)!, mfn.get(p.b)!), cosine(fa.get(p.a)!, fa.get(p.b)!), w, ma, mb);
    return { fold: p.fold, same: p.same, score };
  });
  const acc = splitAccuracy(listed, (f) => lfwFoldPart(f) === 'choose');
  console.log(
    `confirm ${name(r)}: TAR ${t.map((v) => v.toFixed(2)).join(' / ')} | View-2 choose ${(acc.choose.mean * 100).toFixed(2)} confirm ${(acc.confirm.mean * 100).toFixed(2)} ± ${(acc.confirm.std * 100).toFixed(2)}`,
  );
}
