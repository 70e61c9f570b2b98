// The default descriptor's chip on LFW: which facemesh points make the five alignment points, and where the
// ArcFace-112 template puts them (scale about the chip centre, vertical shift). Each variant's MobileFaceNet + flip
// descriptors are computed for the images of one part only (choose = folds 1–3, confirm = folds 4–5; docs/trust.md
// "The split") and cached in .cache/lfw/align-<variant>.json. The criterion is sensitive where View-2 accuracy is
// not: TAR at FAR 1e-3 / 1e-4 over all within-part pairs (≈ 2.7 M impostor, ≈ 2,900 genuine pairs on choose).
// Faces come from the cached product detector (bench/lfw.faces.ts).
// Usage: node --import tsx bench/lfw.align.ts --part choose [--variants base,eyeCorners,...] [--fusion]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import { toTensor } from '../src/vision/geometry/affine.warp.ts';
import type { Point } from '../src/vision/geometry/similarity.transform.ts';
import { alignedChip, ARCFACE_112, mirrored } from '../src/vision/embed/face.align.ts';
import { MOBILEFACENET } from '../src/vision/embed/descriptor.models.ts';
import { l2normalise } from '../src/vision/embed/onnx.embedder.ts';
import type { FaceGeometry } from '../src/vision/embed/embedder.port.ts';
import { parsePairs, pairImages } from '../src/vision/eval/lfw.pairs.ts';
import { fromB64, lfwCentreGeometry, scorePairs, toB64 } from '../src/vision/eval/lfw.eval.ts';
import { lfwImageParts, lfwFoldPart, type SplitPart } from '../src/vision/eval/trust.split.ts';
import { partPairs } from '../src/vision/eval/similarity.scale.ts';
import { splitAccuracy, tarAtFarScores } from '../src/vision/eval/lfw.metrics.ts';
import { MESH, eyeCentre, pt } from '../src/vision/detect/mesh.landmarks.ts';

/** Which mesh points stand for the template's eyes, nose tip and mouth corners. */
type PointSet = 'contour' | 'corners' | 'lids' | 'nose4' | 'mouthInner';

const mid = (a: [number, number], b: [number, number]): [number, number] => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];

function alignPoints(mesh: Float32Array, set: PointSet): [number, number][] {
  const L = MESH.imageLeftEye;
  const R = MESH.imageRightEye;
  const eyes: [number, number][] =
    set === 'corners'
      ? [mid(pt(mesh, L.outer), pt(mesh, L.inner)), mid(pt(mesh, R.outer), pt(mesh, R.inner))]
      : set === 'lids'
        ? [mid(pt(mesh, L.upper), pt(mesh, L.lower)), mid(pt(mesh, R.upper), pt(mesh, R.lower))]
        : [eyeCentre(mesh, L), eyeCentre(mesh, R)];
  const nose = pt(mesh, set === 'nose4' ? 4 : MESH.noseTip);
  const mouth: [number, number][] =
    set === 'mouthInner' ? [pt(mesh, 78), pt(mesh, 308)] : [pt(mesh, MESH.mouthLeft), pt(mesh, MESH.mouthRight)];
  return [...eyes, nose, ...mouth];
}

/** The template scaled by `scale` about (c, c) and shifted down by `dy` chip pixels. */
const scaledTemplate = (t: readonly Point[], scale: number, dy: number, c: number): Point[] =>
  t.map(([x, y]) => [c + (x - c) * scale, c + (y - c) * scale + dy] as const);

interface Variant {
  points: PointSet;
  scale: number;
  dy: number;
}

const V = (points: PointSet, scale = 1, dy = 0): Variant => ({ points, scale, dy });
const VARIANTS: Record<string, Variant> = {
  base: V('contour'),
  eyeCorners: V('corners'),
  eyeLids: V('lids'),
  nose4: V('nose4'),
  mouthInner: V('mouthInner'),
  s095: V('contour', 0.95),
  s105: V('contour', 1.05),
  up2: V('contour', 1, -2),
  down2: V('contour', 1, 2),
  s0975: V('contour', 0.975),
  s1025: V('contour', 1.025),
  up1: V('contour', 1, -1),
  down1: V('contour', 1, 1),
  cornersS105: V('corners', 1.05),
};

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : d;
};
const part = arg('--part', 'choose') as SplitPart;
const names = arg('--variants', Object.keys(VARIANTS).join(',')).split(',');
const lfwDir = resolve(arg('--dataset', '../shared/datasets/lfw'));
const facesFile = resolve(arg('--faces', '.cache/lfw/faces-detector.json'));
const cacheDir = resolve('.cache/lfw');

const pairs = parsePairs(readFileSync(join(lfwDir, 'pairs-dev.txt'), 'utf8')).pairs;
const parts = lfwImageParts(pairs);
const images = pairImages(pairs).filter((k) => parts.get(k) === part);
const faces = JSON.parse(readFileSync(facesFile, 'utf8')) as Record<
  string,
  { box: FaceGeometry['box']; mesh: number[] } | null
>;

const file = (n: string) => join(cacheDir, `align-${n}.json`);
const caches = new Map(
  names.map((n) => [
    n,
    existsSync(file(n)) ? (JSON.parse(readFileSync(file(n), 'utf8')) as Record<string, string>) : {},
  ]),
);

const todo = images.filter((k) => names.some((n) => !caches.get(n)![k]));
if (todo.length > 0) {
  const config = loadConfig();
  const runtime = createModelRuntime(config);
  const session = await runtime.session(MOBILEFACENET.model);
  const px = 112 * 112 * 3;
  let done = 0;
  for (const key of todo) {
    const { rgb } = await decodeImage(new Uint8Array(await readFile(join(lfwDir, 'images', key))), config.images);
    const f = faces[key];
    const missing = names.filter((n) => !caches.get(n)![key]);
    const chips = missing.flatMap((n) => {
      const v = VARIANTS[n]!;
      const mesh = f ? Float32Array.from(f.mesh) : undefined;
      const geometry: FaceGeometry =
        f && mesh ? { box: f.box, points5: alignPoints(mesh, v.points), mesh } : lfwCentreGeometry(rgb);
      const chip = alignedChip(rgb, geometry, scaledTemplate(ARCFACE_112, v.scale, v.dy, 56), 112);
      return [chip, mirrored(chip)];
    });
    const input = new Float32Array(px * chips.length);
    chips.forEach((c, i) => toTensor(c, MOBILEFACENET.normalise, input.subarray(i * px, (i + 1) * px)));
    const out = await session.run({ [session.inputNames[0]!]: { data: input, dims: [chips.length, 112, 112, 3] } });
    const data = out[MOBILEFACENET.output!]!.data as Float32Array;
    missing.forEach((n, i) => {
      const a = l2normalise(data.subarray(2 * i * 192, (2 * i + 1) * 192));
      const b = l2normalise(data.subarray((2 * i + 1) * 192, (2 * i + 2) * 192));
      for (let j = 0; j < 192; j++) a[j]! += b[j]!;
      caches.get(n)![key] = toB64(l2normalise(a));
    });
    if (++done % 250 === 0) {
      for (const n of names) writeFileSync(file(n), JSON.stringify(caches.get(n)));
      console.error(`${done}/${todo.length}`);
    }
  }
  for (const n of names) writeFileSync(file(n), JSON.stringify(caches.get(n)));
  await runtime.close();
}

/** TAR (%) at the strictest threshold that accepts at most far × impostors impostor pairs. */
const tarAt = (impostor: Float32Array, genuine: Float32Array, far: number) =>
  100 * tarAtFarScores(impostor, genuine, far).tar;

console.log(`part ${part}: ${images.length} images`);
console.log('variant | impostor | genuine | TAR@1e-3 | TAR@1e-4 | TAR@1e-5 | View-2 choose 1–3 | View-2 confirm 4–5');
for (const n of names) {
  const cache = caches.get(n)!;
  const desc = new Map(Object.entries(cache).map(([k, s]) => [k, fromB64(s)]));
  const all = partPairs(desc, parts, part, 5_000_000);
  const listed = pairs.filter((p) => desc.has(p.a) && desc.has(p.b));
  const acc = splitAccuracy(scorePairs(listed, desc), (f) => lfwFoldPart(f) === 'choose');
  const hasConfirm = listed.some((p) => lfwFoldPart(p.fold) === 'confirm');
  console.log(
    [
      n,
      all.impostor.length,
      all.genuine.length,
      tarAt(all.impostor, all.genuine, 1e-3).toFixed(2),
      tarAt(all.impostor, all.genuine, 1e-4).toFixed(2),
      tarAt(all.impostor, all.genuine, 1e-5).toFixed(2),
      (acc.choose.mean * 100).toFixed(2),
      hasConfirm ? `${(acc.confirm.mean * 100).toFixed(2)} ± ${(acc.confirm.std * 100).toFixed(2)}` : '–',
    ].join(' | '),
  );
}
