// Upright face crops for the attribute models, all cut from the face's rotated ROI (eyes level) so that the models
// see the face as they were trained, and the maps between crop and image coordinates.
import type { RgbImage } from '../embed/embedder.port.ts';
import { warpAffineAntialiased } from '../geometry/affine.warp.ts';
import { applyAffine, invertAffine, type Affine } from '../geometry/similarity.transform.ts';
import { roiTransform, type FaceRoi } from '../detect/facemesh.refiner.ts';

export interface UprightCrop {
  image: RgbImage;
  /** crop pixel → image pixel */
  toImage: Affine;
  /** image pixel → crop pixel */
  toCrop: Affine;
}

/** A size×size crop of the ROI scaled by `scale` about its centre (1 = the ROI itself, 1.5× the face). */
export function uprightCrop(image: RgbImage, roi: FaceRoi, size: number, scale = 1): UprightCrop {
  const scaled = { ...roi, side: roi.side * scale };
  const toImage = roiTransform(scaled, size);
  return {
    image: warpAffineAntialiased(image, toImage, size, size, size / scaled.side),
    toImage,
    toCrop: invertAffine(toImage),
  };
}

/** Mesh point i in crop coordinates. */
export function meshInCrop(mesh: Float32Array, i: number, crop: UprightCrop): [number, number] {
  return applyAffine(crop.toCrop, [mesh[3 * i]!, mesh[3 * i + 1]!]);
}
