// The three-descriptor fusion, for deployments that prefer accuracy to speed (`FACEGATE_DESCRIPTOR=fusion3`):
// MobileFaceNet + flip, face-api's ResNet on dlib's 5-point chip + flip, and faceres + flip, z-score weighted
// (weights = 1 / std of each model's cosine over the LFW listed pairs). About 3× the embedding time of the default.
// Measured on LFW (docs/benchmarks.md, "Trust"): not better than the default on folds 4–5 (98.8% vs 99.2%), with a
// stricter FAR at 80 (4.6e-5 vs 9.6e-5) and a lower TAR (93.8% vs 95.5%).
import type { InferenceRuntime } from '../runtime/inference.port.ts';
import type { Embedder } from './embedder.port.ts';
import { FACEAPI_RESNET_DLIB5, FACERES, MOBILEFACENET } from './descriptor.models.ts';
import { FusionEmbedder } from './fusion.embedder.ts';
import { OnnxEmbedder } from './onnx.embedder.ts';
import { calibratedSimilarity, type CalibrationKnots } from './similarity.ts';
import { createDefaultDescriptor } from './default.embedder.ts';

/**
 * AWS-scale knots fitted by `facegate eval lfw --embedders mobilefacenet,faceapi-resnet-dlib5,faceres --flip --scale
 * mobilefacenet~flip+faceapi-resnet-dlib5~flip+faceres~flip` on LFW folds 1–3 (anchors 70/80/90 at FAR 1e-3/1e-4/1e-5
 * of the same pairs).
 */
export const FUSION3_KNOTS: CalibrationKnots = [
  [-1, 0],
  [0.7113, 1],
  [0.7693, 3],
  [0.8124, 10],
  [0.8412, 70],
  [0.864, 80],
  [0.8839, 90],
  [0.9183, 99],
  [1, 100],
];

export function createFusion3Embedder(runtime: InferenceRuntime): Embedder {
  return new FusionEmbedder([
    { embedder: new OnnxEmbedder(runtime, MOBILEFACENET, true), weight: 2.5329 },
    { embedder: new OnnxEmbedder(runtime, FACEAPI_RESNET_DLIB5, true), weight: 16.1397 },
    { embedder: new OnnxEmbedder(runtime, FACERES, true), weight: 5.2416 },
  ]);
}

export type DescriptorChoice = 'mobilefacenet' | 'fusion3';

/** The engine's descriptor for a configuration choice: the embedder and its calibrated similarity. */
export function createDescriptor(
  runtime: InferenceRuntime,
  choice: DescriptorChoice,
): { embedder: Embedder; similarity: (a: Float32Array, b: Float32Array) => number } {
  if (choice === 'mobilefacenet') return createDefaultDescriptor(runtime);
  const embedder = createFusion3Embedder(runtime);
  return {
    embedder,
    similarity: (a, b) => {
      if (a.length !== b.length) throw new RangeError(`descriptor sizes differ: ${a.length} vs ${b.length}`);
      let dot = 0;
      for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
      return Math.round(calibratedSimilarity(dot, FUSION3_KNOTS) * 100) / 100;
    },
  };
}
