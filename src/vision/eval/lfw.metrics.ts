// Verification metrics for a set of scored pairs (higher score = more likely the same person): the standard LFW
// protocol (threshold chosen on the other folds, accuracy on the held-out fold), ROC AUC, and TAR at a fixed FAR.
// Pure functions: no I/O, so they are unit-tested on hand-made scores.

export interface ScoredPair {
  score: number;
  same: boolean;
  /** 0-based fold index. */
  fold: number;
}

export interface FoldResult {
  /** Mean held-out accuracy in [0, 1]. */
  mean: number;
  /** Population standard deviation of the per-fold accuracies (as numpy's std, the usual LFW report). */
  std: number;
  perFold: number[];
  /** Threshold used for each held-out fold (chosen on the other folds). */
  thresholds: number[];
}

/** Accuracy of "same if score >= threshold". */
export function accuracyAt(pairs: readonly ScoredPair[], threshold: number): number {
  if (pairs.length === 0) return 0;
  let right = 0;
  for (const p of pairs) if (p.score >= threshold === p.same) right++;
  return right / pairs.length;
}

/**
 * The threshold that maximises accuracy on `pairs`. Candidates are midpoints between consecutive distinct scores
 * (plus one below the minimum and one above the maximum); one O(n log n) sweep. Ties keep the first (lowest) best.
 */
export function bestThreshold(pairs: readonly ScoredPair[]): number {
  if (pairs.length === 0) return 0;
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  // Threshold below everything: every pair called "same"; right = number of genuine pairs.
  let right = sorted.filter((p) => p.same).length;
  let best = right;
  let bestT = sorted[0]!.score - 1;
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i]!;
    // Moving the threshold above p.score turns p into "different".
    right += p.same ? -1 : 1;
    const next = sorted[i + 1];
    if (next !== undefined && next.score === p.score) continue;
    if (right > best) {
      best = right;
      bestT = next === undefined ? p.score + 1 : (p.score + next.score) / 2;
    }
  }
  return bestT;
}

/** The standard protocol: for each fold, choose the threshold on all other folds and measure on that fold. */
export function kFoldAccuracy(pairs: readonly ScoredPair[]): FoldResult {
  const folds = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  const perFold: number[] = [];
  const thresholds: number[] = [];
  for (const f of folds) {
    const t = bestThreshold(pairs.filter((p) => p.fold !== f));
    thresholds.push(t);
    perFold.push(
      accuracyAt(
        pairs.filter((p) => p.fold === f),
        t,
      ),
    );
  }
  const mean = perFold.reduce((s, a) => s + a, 0) / Math.max(1, perFold.length);
  const variance = perFold.reduce((s, a) => s + (a - mean) ** 2, 0) / Math.max(1, perFold.length);
  return { mean, std: Math.sqrt(variance), perFold, thresholds };
}

/** Area under the ROC curve: the probability that a random genuine pair outscores a random impostor (ties ½). */
export function rocAuc(pairs: readonly ScoredPair[]): number {
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  const nPos = sorted.filter((p) => p.same).length;
  const nNeg = sorted.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  // Mann–Whitney U from average ranks (1-based), ties sharing their mean rank.
  let rankSumPos = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]!.score === sorted[i]!.score) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (sorted[k]!.same) rankSumPos += avgRank;
    i = j + 1;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export interface TarAtFar {
  /** True-accept rate in [0, 1] at the strictest threshold whose false-accept rate is <= far. */
  tar: number;
  /** Pairs scoring strictly above this are accepted. */
  threshold: number;
  /** The false-accept rate actually reached (<= far). */
  far: number;
}

/**
 * TAR at a target FAR: accept at most floor(far × impostors) impostor pairs. With 1,500 impostor pairs, FAR 1e-3
 * allows one false accept: the figure is coarse on LFW-sized sets and should be read as such.
 */
export function tarAtFar(pairs: readonly ScoredPair[], far: number): TarAtFar {
  const impostors = pairs.filter((p) => !p.same).map((p) => p.score);
  const genuine = pairs.filter((p) => p.same).map((p) => p.score);
  return tarAtFarScores(impostors, genuine, far);
}

/** The same from the two score lists (all within-part pairs run to millions: no pair objects). */
export function tarAtFarScores(
  impostorScores: ArrayLike<number>,
  genuineScores: ArrayLike<number>,
  far: number,
): TarAtFar {
  if (impostorScores.length === 0 || genuineScores.length === 0)
    return { tar: Number.NaN, threshold: Number.NaN, far: Number.NaN };
  const impostors = Float64Array.from(impostorScores).sort().reverse();
  const allowed = Math.floor(far * impostors.length);
  // Accept scores > threshold; the threshold sits on the (allowed+1)-th highest impostor score.
  const threshold = impostors[allowed] ?? impostors[impostors.length - 1]! - 1;
  let falseAccepts = 0;
  for (const s of impostors) if (s > threshold) falseAccepts++;
  let accepted = 0;
  for (let i = 0; i < genuineScores.length; i++) if (genuineScores[i]! > threshold) accepted++;
  return { tar: accepted / genuineScores.length, threshold, far: falseAccepts / impostors.length };
}

/** False- and true-accept rates of "same if score >= threshold". */
export function ratesAt(pairs: readonly ScoredPair[], threshold: number): { far: number; tar: number } {
  const imp = pairs.filter((p) => !p.same);
  const gen = pairs.filter((p) => p.same);
  return {
    far: imp.filter((p) => p.score >= threshold).length / Math.max(1, imp.length),
    tar: gen.filter((p) => p.score >= threshold).length / Math.max(1, gen.length),
  };
}

export interface SplitAccuracy {
  /** k-fold accuracy within the choose folds (each held out in turn, threshold from the other choose folds). */
  choose: FoldResult;
  /** Accuracy of each confirm fold at the one threshold chosen on all choose folds, and their mean ± std. */
  confirm: FoldResult;
}

/** Choose / confirm accuracy (docs/trust.md): `isChoose(fold)` says which folds may be looked at for choosing. */
export function splitAccuracy(pairs: readonly ScoredPair[], isChoose: (fold: number) => boolean): SplitAccuracy {
  const choosePairs = pairs.filter((p) => isChoose(p.fold));
  const t = bestThreshold(choosePairs);
  const folds = [...new Set(pairs.filter((p) => !isChoose(p.fold)).map((p) => p.fold))].sort((a, b) => a - b);
  const perFold = folds.map((f) =>
    accuracyAt(
      pairs.filter((p) => p.fold === f),
      t,
    ),
  );
  const mean = perFold.reduce((s, a) => s + a, 0) / Math.max(1, perFold.length);
  const std = Math.sqrt(perFold.reduce((s, a) => s + (a - mean) ** 2, 0) / Math.max(1, perFold.length));
  return { choose: kFoldAccuracy(choosePairs), confirm: { mean, std, perFold, thresholds: folds.map(() => t) } };
}
