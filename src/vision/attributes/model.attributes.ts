// Attributes that come from trained models: emotion (FER-2013 mini-Xception, 7 classes), age (faceres' head) and
// gender (faceres' head fused with face-api's age/gender net). The presentation-attack scores are in
// liveness.attributes.ts.
import type { InferenceSession } from '../runtime/inference.port.ts';
import type { EmotionType } from '../vision.types.ts';
import type { RgbImage, FaceGeometry } from '../embed/embedder.port.ts';
import { FACERES } from '../embed/descriptor.models.ts';
import { toTensor } from '../geometry/affine.warp.ts';
import type { FaceRoi } from '../detect/facemesh.refiner.ts';
import { uprightCrop } from './face.crops.ts';
import { mirrored } from '../embed/face.align.ts';
import { faceApiMale } from './faceapi.gender.ts';
import { genderOf } from './gender.rule.ts';

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
 * normalisation as its descriptor (the FACERES spec in embed/), run on the chip and its mirror in one batch; the age
 * is the chip's. Gender fuses faceres' and face-api's male probabilities (gender.rule.ts). The range is the
 * 20th–80th percentile of the age distribution, widened to at least 6 years (Rekognition's ranges are of that order).
 */
/** faceres' input for a face: its chip and the chip's mirror, one batch of two. */
export function faceresPairInput(image: RgbImage, face: FaceGeometry): { data: Float32Array; dims: number[] } {
  const chip = FACERES.chip(image, face);
  const px = chip.width * chip.height * 3;
  const data = new Float32Array(2 * px);
  toTensor(chip, FACERES.normalise, data.subarray(0, px));
  toTensor(mirrored(chip), FACERES.normalise, data.subarray(px));
  return { data, dims: [2, chip.height, chip.width, 3] };
}

export async function ageGender(
  faceres: InferenceSession,
  faceApi: InferenceSession,
  image: RgbImage,
  face: FaceGeometry & { mesh: Float32Array },
): Promise<AgeGender> {
  const { data, dims } = faceresPairInput(image, face);
  const [out, fa] = await Promise.all([first(faceres, data, dims), faceApiMale(faceApi, image, face.mesh)]);
  const ageT = Object.values(out).find((t) => t.data.length === 200)?.data as Float32Array | undefined;
  const genderT = Object.values(out).find((t) => t.data.length === 2)?.data as Float32Array | undefined;
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
  return {
    age: Math.round(mean * 10) / 10,
    ageRange: { low, high },
    gender: genderOf([genderT[0]!, genderT[1]!], fa),
  };
}
