// Attributes that come from trained models: emotion (FER-2013 mini-Xception, 7 classes), age and gender (faceres'
// heads). Each function runs one model on one face; the presentation-attack scores are in liveness.attributes.ts.
import type { InferenceSession } from '../runtime/inference.port.ts';
import type { EmotionType } from '../vision.types.ts';
import type { RgbImage, FaceGeometry } from '../embed/embedder.port.ts';
import { FACERES } from '../embed/descriptor.models.ts';
import { toTensor } from '../geometry/affine.warp.ts';
import type { FaceRoi } from '../detect/facemesh.refiner.ts';
import { uprightCrop } from './face.crops.ts';

const first = async (session: InferenceSession, data: Float32Array, dims: number[]) => {
  const out = await session.run({ [session.inputNames[0]!]: { data, dims } });
  return out;
};

/** The emotion model's classes in output order, and their Rekognition names (neutral → CALM). */
const EMOTION_CLASSES: EmotionType[] = ['ANGRY', 'DISGUSTED', 'FEAR', 'HAPPY', 'SAD', 'SURPRISED', 'CALM'];

/**
 * All eight Rekognition emotions with confidences (0–100) summing to 100; CONFUSED has no class in the model and
 * is reported as 0. Input: 1.25× the mesh box (ROI / 1.2), 64×64 grey, scaled to [−1, 1]. Of five crop sizes tried
 * (0.94–1.5× the box) on 8 neutral fixture faces, 1.25× gave CALM most often (5/8; 1.11×: 3/8); HAPPY held at all.
 */
export async function emotions(
  session: InferenceSession,
  image: RgbImage,
  roi: FaceRoi,
): Promise<{ type: EmotionType; confidence: number }[]> {
  const crop = uprightCrop(image, roi, 64, 1 / 1.2).image;
  const grey = new Float32Array(64 * 64);
  const d = crop.data;
  for (let i = 0, j = 0; i < grey.length; i++, j += 3) {
    grey[i] = ((0.2989 * d[j]! + 0.587 * d[j + 1]! + 0.114 * d[j + 2]!) / 255 - 0.5) * 2;
  }
  const out = Object.values(await first(session, grey, [1, 64, 64, 1]))[0]!.data as Float32Array;
  let sum = 0;
  for (const v of out) sum += v;
  const result = EMOTION_CLASSES.map((type, i) => ({ type, confidence: (100 * (out[i] ?? 0)) / (sum || 1) }));
  result.push({ type: 'CONFUSED', confidence: 0 });
  return result.sort((a, b) => b.confidence - a.confidence);
}

export interface AgeGender {
  age: number;
  ageRange: { low: number; high: number };
  gender: { value: 'Male' | 'Female'; confidence: number };
}

/**
 * faceres' age (softmax over 0–99 years) and gender (sigmoid, > 0.5 = male) heads, on the same chip and
 * normalisation as its descriptor (the FACERES spec in embed/). The range is the 20th–80th percentile of the age distribution,
 * widened to at least 6 years (Rekognition's ranges are of that order).
 */
export async function ageGender(session: InferenceSession, image: RgbImage, face: FaceGeometry): Promise<AgeGender> {
  const chip = FACERES.chip(image, face);
  const out = await first(session, toTensor(chip, FACERES.normalise), [1, 224, 224, 3]);
  const ageT = Object.values(out).find((t) => t.data.length === 100)?.data as Float32Array | undefined;
  const genderT = Object.values(out).find((t) => t.data.length === 1)?.data as Float32Array | undefined;
  if (!ageT || !genderT) throw new Error('faceres age/gender outputs are missing');
  let total = 0;
  let mean = 0;
  for (let i = 0; i < 100; i++) {
    total += ageT[i]!;
    mean += i * ageT[i]!;
  }
  mean /= total || 1;
  const quantile = (q: number) => {
    let acc = 0;
    for (let i = 0; i < 100; i++) {
      acc += ageT[i]! / (total || 1);
      if (acc >= q) return i;
    }
    return 99;
  };
  let low = quantile(0.2);
  let high = quantile(0.8);
  if (high - low < 6) {
    const mid = (low + high) / 2;
    low = Math.max(0, Math.floor(mid - 3));
    high = low + 6;
  }
  const g = genderT[0]!;
  return {
    age: Math.round(mean * 10) / 10,
    ageRange: { low, high },
    gender: { value: g > GENDER_THRESHOLD ? 'Male' : 'Female', confidence: genderConfidence(g) },
  };
}

/**
 * faceres' male probability above which a face is Male. 0.5 called 8.6% of women men on LFW (the head leans male);
 * 0.695 is the best balanced accuracy on the LFW choose persons (folds 1–3, bench/attributes.eval.ts): 98.5% there,
 * 97.7% on folds 4–5 (male 97.9%, female 97.5%).
 */
export const GENDER_THRESHOLD = 0.695;

/** Accuracy measured on the LFW choose persons by distance from the threshold (bench/attributes.eval.ts). */
const GENDER_RELIABILITY: [number, number][] = [
  [0, 55],
  [0.05, 75],
  [0.1, 85],
  [0.15, 92],
  [0.2, 97],
  [0.25, 99.3],
  [1, 99.6],
];

/** Gender confidence 0–100: the measured accuracy of faces this far from the threshold (interpolated). */
export function genderConfidence(male: number): number {
  const m = Math.min(1, Math.abs(male - GENDER_THRESHOLD));
  for (let i = 1; i < GENDER_RELIABILITY.length; i++) {
    const [m1, c1] = GENDER_RELIABILITY[i]!;
    const [m0, c0] = GENDER_RELIABILITY[i - 1]!;
    if (m <= m1) return Math.round((c0 + ((m - m0) / (m1 - m0)) * (c1 - c0)) * 10) / 10;
  }
  return 99.6;
}
