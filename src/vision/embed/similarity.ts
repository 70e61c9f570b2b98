// Cosine → Rekognition-style similarity (0–100). The map is monotone piecewise-linear through knots that tie
// similarity levels to false-accept rates measured on LFW impostor pairs (docs/benchmarks.md, "Calibration"), so
// that a threshold means the same thing whatever the descriptor: 80 (Rekognition's default) accepts at most ~1 in
// 10,000 different-person pairs, 70 (the pipeline's duplicate check) ~1 in 1,000.

/** [cosine, similarity] pairs, both strictly increasing; the first is at cosine −1 and the last at cosine 1. */
export type CalibrationKnots = readonly (readonly [number, number])[];

export interface SimilarityCalibration {
  /** The descriptor (Embedder.version) the knots were fitted for. */
  embedder: string;
  knots: CalibrationKnots;
}

/** Similarity in [0, 100] for a cosine in [−1, 1] (clamped), by linear interpolation between knots. */
export function calibratedSimilarity(cosine: number, knots: CalibrationKnots): number {
  const c = Math.max(-1, Math.min(1, Number.isFinite(cosine) ? cosine : -1));
  const first = knots[0];
  const last = knots[knots.length - 1];
  if (!first || !last) throw new RangeError('a calibration needs knots');
  if (c <= first[0]) return first[1];
  for (let i = 1; i < knots.length; i++) {
    const [c1, s1] = knots[i]!;
    if (c <= c1) {
      const [c0, s0] = knots[i - 1]!;
      return s0 + ((c - c0) / (c1 - c0)) * (s1 - s0);
    }
  }
  return last[1];
}

/** The inverse: the cosine at which the similarity reaches `similarity` (thresholds for ANN searches). */
export function cosineForSimilarity(similarity: number, knots: CalibrationKnots): number {
  const s = Math.max(0, Math.min(100, similarity));
  for (let i = 1; i < knots.length; i++) {
    const [c1, s1] = knots[i]!;
    if (s <= s1) {
      const [c0, s0] = knots[i - 1]!;
      return c0 + ((s - s0) / (s1 - s0)) * (c1 - c0);
    }
  }
  return 1;
}

/** Similarity levels tied to false-accept rates by the fit (level → FAR on impostor pairs). */
export const FAR_LEVELS: readonly (readonly [number, number])[] = [
  [50, 1e-1],
  [60, 1e-2],
  [70, 1e-3],
  [80, 1e-4],
  [90, 1e-5],
];

/**
 * Fits knots from impostor cosines: each level's cosine is the impostor score quantile at its FAR. Below the first
 * level the map runs linearly from (−1, 0); above the last, to (1, 100). Knots are forced strictly increasing.
 */
export function fitCalibration(impostorCosines: readonly number[], levels = FAR_LEVELS): [number, number][] {
  const sorted = [...impostorCosines].sort((a, b) => b - a);
  if (sorted.length === 0) throw new RangeError('calibration needs impostor scores');
  const knots: [number, number][] = [[-1, 0]];
  for (const [sim, far] of levels) {
    // The score that at most far × n impostors exceed.
    const k = Math.floor(far * sorted.length);
    const c = sorted[Math.min(k, sorted.length - 1)]!;
    const prev = knots[knots.length - 1]![0];
    knots.push([Math.max(c, prev + 1e-4), sim]);
  }
  const top = knots[knots.length - 1]![0];
  knots.push([Math.max(1, top + 1e-4), 100]);
  return knots.map(([c, s]) => [Math.round(c * 1e4) / 1e4, s]);
}
