// Calibration data from an LFW run: beyond the 3,000 listed pairs, every pair of the run's images whose identities
// differ is an impostor pair (millions), which resolves false-accept rates down to 1e-5 and below; every pair of
// one identity's images is a genuine pair. Identity = the image's folder name.
import { fitCalibration, calibratedSimilarity, type CalibrationKnots } from '../embed/similarity.ts';
import { cosine } from './lfw.eval.ts';

export interface AllPairs {
  impostor: Float32Array;
  genuine: Float32Array;
}

/** Deterministic sampling keeps at most `maxImpostors` impostor pairs (a stride over the full upper triangle). */
export function allPairScores(descriptors: Map<string, Float32Array>, maxImpostors = 3_000_000): AllPairs {
  const keys = [...descriptors.keys()].sort();
  const ids = keys.map((k) => k.split('/')[0]!);
  const vecs = keys.map((k) => descriptors.get(k)!);
  const n = keys.length;
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (ids[i] !== ids[j]) total++;
  const stride = Math.max(1, Math.ceil(total / maxImpostors));
  const impostor: number[] = [];
  const genuine: number[] = [];
  let seen = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (ids[i] === ids[j]) genuine.push(cosine(vecs[i]!, vecs[j]!));
      else if (seen++ % stride === 0) impostor.push(cosine(vecs[i]!, vecs[j]!));
    }
  }
  return { impostor: Float32Array.from(impostor), genuine: Float32Array.from(genuine) };
}

export interface CalibrationRow {
  similarity: number;
  cosine: number;
  /** Rates over all impostor / genuine pairs of the run's images. */
  far: number;
  tar: number;
}

export function calibrationReport(
  all: AllPairs,
  thresholds: readonly number[] = [50, 60, 70, 80, 90, 95, 99],
): { knots: CalibrationKnots; rows: CalibrationRow[] } {
  const knots = fitCalibration(Array.from(all.impostor));
  const sim = (c: number) => calibratedSimilarity(c, knots);
  const impS = Array.from(all.impostor, sim);
  const genS = Array.from(all.genuine, sim);
  const rows = thresholds.map((t) => {
    // The cosine where similarity reaches t (for the reader).
    let lo = -1;
    let hi = 1;
    for (let k = 0; k < 40; k++) {
      const mid = (lo + hi) / 2;
      if (sim(mid) < t) lo = mid;
      else hi = mid;
    }
    return {
      similarity: t,
      cosine: hi,
      far: impS.filter((s) => s >= t).length / Math.max(1, impS.length),
      tar: genS.filter((s) => s >= t).length / Math.max(1, genS.length),
    };
  });
  return { knots, rows };
}
