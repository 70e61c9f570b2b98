// An alternative descriptor for the engine (deps.descriptor; the default is embed/default.embedder.ts): faceres (1024-d, the FACERES spec in embed/: the authors'
// crop and preprocessing) compared by cosine, with cosine mapped to Rekognition's 0–100 similarity by a
// piecewise-linear calibration through anchor points (cosine → similarity):
//   −1 → 0, COS_EER → 50, COS_FAR3 → 80, COS_FAR4 → 90, 1 → 100,
// where COS_FAR3 is the cosine that about one impostor pair in a thousand exceeds, so the API's default threshold of
// 80 means FAR ≈ 1e-3. The anchor values and how they were measured are in docs/benchmarks.md ("Similarity").
import { FacegateError } from '../errors.ts';
import type { InferenceRuntime } from './runtime/inference.port.ts';
import type { Embedder } from './embed/embedder.port.ts';
import { OnnxEmbedder } from './embed/onnx.embedder.ts';
import { FACERES } from './embed/descriptor.models.ts';

// Measured on LFW folds 1–5 (3,000 pairs; 1 image without a face) with this engine's detector and faceres:
// equal-error cosine 0.524 (EER 2.9%), FAR 1e-3 at 0.61 (TAR 88.1%), highest impostor 0.628. FAR 1e-4 cannot be
// measured on 1,499 impostor pairs: 0.66 is an extrapolation above the highest impostor.
const COS_EER = 0.524;
const COS_FAR3 = 0.61;
const COS_FAR4 = 0.66;

/** (cosine, similarity) anchors, increasing in both. */
export const FACERES_CALIBRATION: readonly (readonly [number, number])[] = [
  [-1, 0],
  [COS_EER, 50],
  [COS_FAR3, 80],
  [COS_FAR4, 90],
  [1, 100],
];

export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) {
    throw new FacegateError(
      'MODEL_MISMATCH',
      `Descriptor sizes differ (${a.length} vs ${b.length}): different face models`,
    );
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Piecewise-linear map through the anchors; clamps outside them. */
export function calibrate(x: number, anchors: readonly (readonly [number, number])[]): number {
  const first = anchors[0]!;
  if (x <= first[0]) return first[1];
  for (let i = 1; i < anchors.length; i++) {
    const [x1, y1] = anchors[i]!;
    const [x0, y0] = anchors[i - 1]!;
    if (x <= x1) return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0);
  }
  return anchors[anchors.length - 1]![1];
}

export function faceresSimilarity(a: Float32Array, b: Float32Array): number {
  return Math.round(calibrate(cosine(a, b), FACERES_CALIBRATION) * 100) / 100;
}

export function defaultDescriptor(runtime: InferenceRuntime): {
  embedder: Embedder;
  similarity: (a: Float32Array, b: Float32Array) => number;
} {
  return { embedder: new OnnxEmbedder(runtime, FACERES), similarity: faceresSimilarity };
}
