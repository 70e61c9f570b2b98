// A cascade of two verifiers on the same pairs: the cheap descriptor decides unless its score is within `band` of
// its threshold, then the expensive one (e.g. a fusion) decides. Band and both thresholds are chosen on the choose
// folds only; the confirm folds are scored once with them. `escalated` is the share of pairs the expensive
// descriptor had to be computed for (the cost: for a pair, both faces' expensive descriptors).
import { bestThreshold, type ScoredPair } from './lfw.metrics.ts';

export interface CascadeResult {
  band: number;
  cheapThreshold: number;
  expensiveThreshold: number;
  choose: { accuracy: number; escalated: number };
  confirm: { accuracy: number; escalated: number };
}

export const CASCADE_BANDS = [0, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3] as const;

function decide(cheap: ScoredPair[], expensive: ScoredPair[], tc: number, te: number, band: number) {
  let right = 0;
  let escalated = 0;
  cheap.forEach((p, i) => {
    const unsure = Math.abs(p.score - tc) < band;
    if (unsure) escalated++;
    const same = unsure ? expensive[i]!.score >= te : p.score >= tc;
    if (same === p.same) right++;
  });
  return { accuracy: right / Math.max(1, cheap.length), escalated: escalated / Math.max(1, cheap.length) };
}

/** `cheap` and `expensive` score the same pairs in the same order. */
export function cascade(
  cheap: readonly ScoredPair[],
  expensive: readonly ScoredPair[],
  isChoose: (fold: number) => boolean,
): CascadeResult {
  const pick = (list: readonly ScoredPair[], choose: boolean) => list.filter((p) => isChoose(p.fold) === choose);
  const [cc, ec, cf, ef] = [pick(cheap, true), pick(expensive, true), pick(cheap, false), pick(expensive, false)];
  const tc = bestThreshold(cc);
  let best: CascadeResult | undefined;
  for (const band of CASCADE_BANDS) {
    // The expensive threshold is chosen on the escalated choose pairs (all choose pairs when none is).
    const inBand = ec.filter((_, i) => Math.abs(cc[i]!.score - tc) < band);
    const te = bestThreshold(inBand.length ? inBand : ec);
    const choose = decide(cc, ec, tc, te, band);
    // Ties keep the narrower (cheaper) band.
    if (!best || choose.accuracy > best.choose.accuracy) {
      best = { band, cheapThreshold: tc, expensiveThreshold: te, choose, confirm: decide(cf, ef, tc, te, band) };
    }
  }
  return best!;
}
