// Cosine → Rekognition-style similarity (0–100). The map is monotone piecewise-linear through knots that tie
// similarity levels to false-accept rates measured on LFW impostor pairs (docs/benchmarks.md, "Calibration"), so
// that a threshold means the same thing whatever the descriptor: 80 (Rekognition's default) accepts at most ~1 in
// 10,000 different-person pairs, 70 (the pipeline's duplicate check) ~1 in 1,000. Below 70 the scale follows AWS's
// (fitAwsScale): a typical stranger scores in the single digits, so code tuned on AWS with a low
// FaceMatchThreshold (10) does not match every stranger; above 90, a typical same-person pair scores ≥ 99.

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

/**
 * The low end of the AWS-like scale: similarity ↔ impostor false-accept rate. Half of all strangers score ≤ 1, nine
 * in ten ≤ 3, ninety-nine in a hundred ≤ 10 (AWS's stranger scores are single digits; FaceMatchThreshold 10 is used
 * by its tutorials).
 */
export const AWS_LOW_LEVELS: readonly (readonly [number, number])[] = [
  [1, 0.5],
  [3, 1e-1],
  [10, 1e-2],
];

/** Similarity given to the median same-person pair (AWS reports ≥ 99 for a typical match). */
export const AWS_GENUINE_MEDIAN_SIMILARITY = 99;

const quantileDesc = (sortedDesc: readonly number[], far: number) =>
  sortedDesc[Math.min(Math.floor(far * sortedDesc.length), sortedDesc.length - 1)]!;

/**
 * AWS-like knots: the low levels at impostor quantiles (AWS_LOW_LEVELS), the given anchors unchanged (the
 * 70/80/90 knots whose false-accept rates thresholds in use rely on), the median genuine cosine at 99, then
 * (1, 100). Knots are strictly increasing in both coordinates, so the map stays monotone whatever the data; a fitted
 * low knot that would reach an anchor's cosine is pushed just below it.
 */
export function fitAwsScale(
  impostorCosines: readonly number[],
  genuineCosines: readonly number[],
  anchors: CalibrationKnots,
): [number, number][] {
  if (impostorCosines.length === 0 || genuineCosines.length === 0)
    throw new RangeError('the fit needs both pair kinds');
  const first = anchors[0];
  const last = anchors[anchors.length - 1];
  if (!first || !last) throw new RangeError('the fit needs anchors');
  const imp = [...impostorCosines].sort((a, b) => b - a);
  const gen = [...genuineCosines].sort((a, b) => a - b);
  const knots: [number, number][] = [[-1, 0]];
  const step = 2e-4;
  AWS_LOW_LEVELS.forEach(([sim, far], j) => {
    const prev = knots[knots.length - 1]![0];
    const c = Math.min(Math.max(quantileDesc(imp, far), prev + step), first[0] - step * (AWS_LOW_LEVELS.length - j));
    knots.push([c, sim]);
  });
  for (const [c, s] of anchors) knots.push([c, s]);
  const median = gen[gen.length >> 1]!;
  if (median > last[0] + step && AWS_GENUINE_MEDIAN_SIMILARITY > last[1])
    knots.push([median, AWS_GENUINE_MEDIAN_SIMILARITY]);
  knots.push([1, 100]);
  const rounded = knots.map(([c, s]) => [Math.round(c * 1e4) / 1e4, s] as [number, number]);
  for (let i = 1; i < rounded.length; i++) {
    if (!(rounded[i]![0] > rounded[i - 1]![0] && rounded[i]![1] > rounded[i - 1]![1])) {
      throw new RangeError(`knots are not strictly increasing at ${JSON.stringify(rounded[i])}`);
    }
  }
  return rounded;
}

/**
 * A collection's threshold for a per-search false-accept rate of about 1e-3: a stranger searched against N faces
 * is compared N times, so each pair must be ~N times stricter. On the default scale 70 ↔ FAR 1e-3, 80 ↔ 1e-4 and
 * 90 ↔ 1e-5 per pair, so the level is 70 + 10·log10(N), from 70 (one face) to 95 (≥ 100,000 faces).
 */
export function collectionThreshold(faces: number): number {
  const n = Math.max(1, faces);
  return Math.round(Math.min(95, 70 + 10 * Math.log10(n)) * 10) / 10;
}
