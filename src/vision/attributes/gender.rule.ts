// The Gender rule: two models' male probabilities fused on the logit scale, and the confidence read from the
// accuracy measured at that distance from the decision line. Weight, threshold and the reliability table were all
// chosen on the LFW choose persons (folds 1–3, bench/attributes.eval.ts); docs/benchmarks.md has both parts.

/**
 * Male when w·logit(faceres) + (1 − w)·logit(face-api) > threshold, each model's probability the mean of the face
 * and its mirror. On the choose persons: 99.04% balanced (faceres alone at its best threshold 98.52%, face-api alone
 * 98.10%); on folds 4–5: 97.86% (male 98.76%, female 96.95%; faceres alone 97.69%).
 */
export const GENDER_RULE = { weight: 0.6, threshold: 0.85 } as const;

/** log(p / (1 − p)), with p kept 1e-6 from 0 and 1 so that sure models give finite margins. */
export const logit = (p: number) => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

/** Signed distance from the decision line (> 0: Male), from each model's [face, mirror] male probabilities. */
export function genderMargin(faceres: readonly [number, number], faceApi: readonly [number, number]): number {
  const { weight, threshold } = GENDER_RULE;
  return (
    weight * logit((faceres[0] + faceres[1]) / 2) + (1 - weight) * logit((faceApi[0] + faceApi[1]) / 2) - threshold
  );
}

/**
 * Accuracy (%) measured on the choose persons by |margin| (bins [0, 0.5), [0.5, 1), [1, 1.5), [1.5, 3) pooled (100%
 * and 99.7% measured), [3, 5), ≥ 5), placed at the bins' middles; 50 on the line itself; 99.9 at most.
 */
const GENDER_RELIABILITY: [number, number][] = [
  [0, 50],
  [0.25, 77.4],
  [0.75, 89.4],
  [1.25, 95.2],
  [2.25, 99.8],
  [4, 99.9],
];

/** Gender confidence 0–100: the measured accuracy of faces this far from the decision line (interpolated). */
export function genderConfidence(margin: number): number {
  const m = Math.abs(margin);
  for (let i = 1; i < GENDER_RELIABILITY.length; i++) {
    const [m1, c1] = GENDER_RELIABILITY[i]!;
    const [m0, c0] = GENDER_RELIABILITY[i - 1]!;
    if (m <= m1) return Math.round((c0 + ((m - m0) / (m1 - m0)) * (c1 - c0)) * 10) / 10;
  }
  return GENDER_RELIABILITY[GENDER_RELIABILITY.length - 1]![1];
}

export function genderOf(
  faceres: readonly [number, number],
  faceApi: readonly [number, number],
): { value: 'Male' | 'Female'; confidence: number } {
  const margin = genderMargin(faceres, faceApi);
  return { value: margin > 0 ? 'Male' : 'Female', confidence: genderConfidence(margin) };
}
