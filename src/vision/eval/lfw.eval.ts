// The LFW verification run: every image of the pairs is decoded, its face located and embedded once per
// descriptor model (descriptors are cached under .cache/lfw, keyed by embedder and locator version, so re-runs and
// fusions are quick), then each model's pair scores go through the standard protocol (lfw.metrics.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Embedder, FaceGeometry, RgbImage } from '../embed/embedder.port.ts';
import { kFoldAccuracy, ratesAt, rocAuc, splitAccuracy, tarAtFar, type ScoredPair } from './lfw.metrics.ts';
import { lfwFoldPart } from './trust.split.ts';
import { pairImages, parsePairs, type LfwPair } from './lfw.pairs.ts';

/** Finds the face to verify in an LFW image (the centred subject). `key` is the image's path in the set. */
export interface FaceLocator {
  readonly version: string;
  locate(image: RgbImage, key: string): Promise<FaceGeometry | null>;
}

export interface LfwSummary {
  name: string;
  pairs: number;
  folds: number;
  /** Percentages. */
  accuracy: number;
  std: number;
  perFold: number[];
  auc: number;
  tarAtFar1e3: number;
  tarAtFar1e2: number;
  /** Accuracy % on the choose folds (k-fold within them) and on the confirm folds at the choose folds' threshold. */
  chooseAccuracy: number;
  confirmAccuracy: number;
  confirmStd: number;
  /** Mean cosine threshold chosen by the folds. */
  threshold: number;
  /** Images where the locator found no face (a fixed LFW-centre geometry was used instead). */
  detectionFailures: number;
  /** Median milliseconds per image: locating + this descriptor. */
  msPerImage: number;
}

export interface LfwRun {
  summaries: LfwSummary[];
  /** Per embedder name: scored pairs, for calibration and fusion. */
  scores: Map<string, ScoredPair[]>;
  /** Per embedder name: descriptor per image. */
  descriptors: Map<string, Map<string, Float32Array>>;
}

export interface LfwRunOptions {
  /** The folder holding pairs file and images/ (../shared/datasets/lfw). */
  lfwDir: string;
  pairsFile?: string;
  embedders: readonly Embedder[];
  locator: FaceLocator;
  decode: (bytes: Uint8Array) => Promise<RgbImage>;
  cacheDir: string;
  /** Use only every k-th pair so that about this many remain (quick checks). */
  limitPairs?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Where LFW's 250×250 crops put the subject's eyes, nose and mouth (used when the locator finds nothing). */
export function lfwCentreGeometry(image: RgbImage): FaceGeometry {
  const s = image.width / 250;
  const p = (x: number, y: number): [number, number] => [x * s, y * s];
  return {
    box: { x: 80 * s, y: 80 * s, width: 90 * s, height: 105 * s },
    points5: [p(105, 113), p(145, 113), p(125, 137), p(109, 160), p(141, 160)],
  };
}

interface CacheEntry {
  /** base64 float32 descriptor. */
  d: string;
  ms: number;
  miss: boolean;
}

const safe = (s: string) => s.replace(/[^a-zA-Z0-9._+-]+/g, '_').slice(0, 180);
/** A descriptor as the caches store it: its float32 bytes in base64 (evaluation caches and the benches share it). */
export const toB64 = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
export const fromB64 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

export function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i]! * b[i]!;
  return d;
}

export function summarise(name: string, scored: ScoredPair[], failures: number, ms: number[]): LfwSummary {
  const acc = kFoldAccuracy(scored);
  const split = splitAccuracy(scored, (f) => lfwFoldPart(f) === 'choose');
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    name,
    pairs: scored.length,
    folds: acc.perFold.length,
    accuracy: acc.mean * 100,
    std: acc.std * 100,
    perFold: acc.perFold.map((a) => a * 100),
    chooseAccuracy: split.choose.mean * 100,
    confirmAccuracy: split.confirm.mean * 100,
    confirmStd: split.confirm.std * 100,
    auc: rocAuc(scored),
    tarAtFar1e3: tarAtFar(scored, 1e-3).tar * 100,
    tarAtFar1e2: tarAtFar(scored, 1e-2).tar * 100,
    threshold: acc.thresholds.reduce((s, t) => s + t, 0) / Math.max(1, acc.thresholds.length),
    detectionFailures: failures,
    msPerImage: sorted[Math.floor(sorted.length / 2)] ?? 0,
  };
}

export function scorePairs(pairs: readonly LfwPair[], desc: Map<string, Float32Array>): ScoredPair[] {
  return pairs.map((p) => ({ fold: p.fold, same: p.same, score: cosine(desc.get(p.a)!, desc.get(p.b)!) }));
}

export async function runLfw(o: LfwRunOptions): Promise<LfwRun> {
  const text = readFileSync(join(o.lfwDir, o.pairsFile ?? 'pairs-dev.txt'), 'utf8');
  const all = parsePairs(text).pairs;
  const step = o.limitPairs ? Math.max(1, Math.floor(all.length / o.limitPairs)) : 1;
  const pairs = all.filter((_, i) => i % step === 0);
  const images = pairImages(pairs);
  mkdirSync(o.cacheDir, { recursive: true });
  const files = o.embedders.map((e) => join(o.cacheDir, `desc-${safe(e.version)}-${safe(o.locator.version)}.json`));
  const caches: Record<string, CacheEntry>[] = files.map((f) =>
    existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Record<string, CacheEntry>) : {},
  );
  let done = 0;
  for (const key of images) {
    const missing = o.embedders.map((_, i) => !caches[i]![key]);
    if (missing.some(Boolean)) {
      const image = await o.decode(new Uint8Array(await readFile(join(o.lfwDir, 'images', key))));
      const t0 = performance.now();
      const found = await o.locator.locate(image, key);
      const locateMs = performance.now() - t0;
      const face = found ?? lfwCentreGeometry(image);
      for (let i = 0; i < o.embedders.length; i++) {
        if (!missing[i]) continue;
        const t1 = performance.now();
        const d = await o.embedders[i]!.embed(image, face);
        caches[i]![key] = { d: toB64(d), ms: locateMs + performance.now() - t1, miss: found === null };
      }
    }
    done++;
    o.onProgress?.(done, images.length);
    if (done % 250 === 0) files.forEach((f, i) => writeFileSync(f, JSON.stringify(caches[i])));
  }
  files.forEach((f, i) => writeFileSync(f, JSON.stringify(caches[i])));

  const run: LfwRun = { summaries: [], scores: new Map(), descriptors: new Map() };
  o.embedders.forEach((e, i) => {
    const cache = caches[i]!;
    const desc = new Map(images.map((k) => [k, fromB64(cache[k]!.d)]));
    const scored = scorePairs(pairs, desc);
    run.descriptors.set(e.version, desc);
    run.scores.set(e.version, scored);
    const failures = images.filter((k) => cache[k]!.miss).length;
    run.summaries.push(
      summarise(
        e.version,
        scored,
        failures,
        images.map((k) => cache[k]!.ms),
      ),
    );
  });
  return run;
}

/** FAR and TAR at a set of cosine thresholds (for calibration tables). */
export function ratesTable(
  scored: ScoredPair[],
  thresholds: readonly number[],
): { t: number; far: number; tar: number }[] {
  return thresholds.map((t) => ({ t, ...ratesAt(scored, t) }));
}
