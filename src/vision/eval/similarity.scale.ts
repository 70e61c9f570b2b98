// The AWS-scale similarity fit and its report: all pairs of the LFW choose images fit the knots (fitAwsScale), the
// confirm images' pairs measure them. Pairs never cross the split (an impostor pair of one choose and one confirm
// image would leak a confirm face into the fit).
import { calibratedSimilarity, fitAwsScale, type CalibrationKnots } from '../embed/similarity.ts';
import { allPairScores, type AllPairs } from './lfw.calibration.ts';
import type { SplitPart } from './trust.split.ts';

export const SCALE_THRESHOLDS = [10, 50, 70, 75, 80, 85, 90, 99] as const;
export const SCALE_PERCENTILES = [1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99] as const;

/** All within-part pairs of the descriptors whose image is in `part`. */
export function partPairs(
  descriptors: Map<string, Float32Array>,
  parts: Map<string, SplitPart>,
  part: SplitPart,
  maxImpostors?: number,
): AllPairs {
  const mine = new Map([...descriptors].filter(([k]) => parts.get(k) === part));
  return allPairScores(mine, maxImpostors);
}

/** The p-th percentile (0–100) by nearest rank on a sorted ascending array. */
export function percentile(sortedAsc: Float64Array | readonly number[], p: number): number {
  const n = sortedAsc.length;
  if (n === 0) return Number.NaN;
  const i = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  return sortedAsc[i]!;
}

export interface ScaleReport {
  impostors: number;
  genuines: number;
  /** Similarity percentiles (SCALE_PERCENTILES order). */
  impostorPercentiles: number[];
  genuinePercentiles: number[];
  /** Per threshold (SCALE_THRESHOLDS order): share of impostor / genuine pairs with similarity ≥ threshold. */
  far: number[];
  tar: number[];
}

export function scaleReport(pairs: AllPairs, knots: CalibrationKnots): ScaleReport {
  const sim = (c: number) => calibratedSimilarity(c, knots);
  const imp = Float64Array.from(pairs.impostor, sim).sort();
  const gen = Float64Array.from(pairs.genuine, sim).sort();
  const atLeast = (sorted: Float64Array, t: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return (sorted.length - lo) / Math.max(1, sorted.length);
  };
  return {
    impostors: imp.length,
    genuines: gen.length,
    impostorPercentiles: SCALE_PERCENTILES.map((p) => percentile(imp, p)),
    genuinePercentiles: SCALE_PERCENTILES.map((p) => percentile(gen, p)),
    far: SCALE_THRESHOLDS.map((t) => atLeast(imp, t)),
    tar: SCALE_THRESHOLDS.map((t) => atLeast(gen, t)),
  };
}

/** Fits the AWS scale on the choose images' pairs, keeping `anchors`, and reports both parts. */
export function fitAndReport(
  descriptors: Map<string, Float32Array>,
  parts: Map<string, SplitPart>,
  anchors: CalibrationKnots,
  previous?: CalibrationKnots,
): { knots: CalibrationKnots; choose: ScaleReport; confirm: ScaleReport; previousOnConfirm?: ScaleReport } {
  const choose = partPairs(descriptors, parts, 'choose');
  const confirm = partPairs(descriptors, parts, 'confirm');
  const knots = fitAwsScale(Array.from(choose.impostor), Array.from(choose.genuine), anchors);
  return {
    knots,
    choose: scaleReport(choose, knots),
    confirm: scaleReport(confirm, knots),
    ...(previous ? { previousOnConfirm: scaleReport(confirm, previous) } : {}),
  };
}
