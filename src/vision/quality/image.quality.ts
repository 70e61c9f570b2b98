// Brightness and sharpness of a face, 0–100, measured on an upright crop of the face at a fixed size so that the
// numbers do not depend on the photo's resolution.
// - brightness: mean luma of the inner face (cheeks, nose, forehead; not the background), 0–255 → 0–100.
// - sharpness: variance of the Laplacian of the luma, on a log scale: log10(v) from 0.6 (v ≈ 4, a featureless or
//   very blurred face) to 3.3 (v ≈ 2000, a crisp, well-lit portrait) maps to 0–100. On the fixture portraits: sharp
//   and well lit 75–98, dark phone photos 22–39, the same portraits blurred (σ = 3 px) 4–64 (docs/benchmarks.md).
import type { RgbImage } from '../embed/embedder.port.ts';
import type { Quality } from '../vision.types.ts';
import { toLuma, warpAffineAntialiased } from '../geometry/affine.warp.ts';
import { roiTransform, type FaceRoi } from '../detect/facemesh.refiner.ts';

/** Size of the analysis crop; the ROI is 1.5× the face, so the face spans about 85 px of it. */
export const QUALITY_CROP = 128;
const LOG_VAR_MIN = 0.6;
const LOG_VAR_MAX = 3.3;

export interface QualityDetail extends Quality {
  /** Raw Laplacian variance (for calibration). */
  laplacianVariance: number;
}

/** Upright face crop (QUALITY_CROP²) of the face's ROI, antialiased. */
export function faceCrop(image: RgbImage, roi: FaceRoi, size = QUALITY_CROP): RgbImage {
  return warpAffineAntialiased(image, roiTransform(roi, size), size, size, size / roi.side);
}

export function faceQuality(crop: RgbImage): QualityDetail {
  const luma = toLuma(crop);
  const w = crop.width;
  const h = crop.height;
  // The inner face is the central third (the crop is 1.5× the face: the face spans the middle two thirds).
  const x0 = Math.round(w / 3);
  const x1 = Math.round((2 * w) / 3);
  const y0 = Math.round(h / 3);
  const y1 = Math.round((2 * h) / 3);
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += luma[y * w + x]!;
  const brightness = (sum / ((x1 - x0) * (y1 - y0)) / 255) * 100;
  // Laplacian over the face area (the middle two thirds), 4-neighbour kernel.
  const fx0 = Math.max(1, Math.round(w / 6));
  const fx1 = Math.min(w - 1, Math.round((5 * w) / 6));
  const fy0 = Math.max(1, Math.round(h / 6));
  const fy1 = Math.min(h - 1, Math.round((5 * h) / 6));
  let s = 0;
  let s2 = 0;
  let n = 0;
  for (let y = fy0; y < fy1; y++) {
    for (let x = fx0; x < fx1; x++) {
      const i = y * w + x;
      const lap = luma[i - 1]! + luma[i + 1]! + luma[i - w]! + luma[i + w]! - 4 * luma[i]!;
      s += lap;
      s2 += lap * lap;
      n++;
    }
  }
  const variance = n > 0 ? s2 / n - (s / n) ** 2 : 0;
  const t = (Math.log10(Math.max(variance, 1e-6)) - LOG_VAR_MIN) / (LOG_VAR_MAX - LOG_VAR_MIN);
  const sharpness = 100 * Math.min(1, Math.max(0, t));
  return {
    brightness: Math.round(brightness * 10) / 10,
    sharpness: Math.round(sharpness * 10) / 10,
    laplacianVariance: variance,
  };
}
