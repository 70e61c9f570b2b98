// Face chips for descriptor models: where each model expects the face to sit in its input, and the warp that puts
// it there. Coordinates are continuous pixels (pixel i spans [i, i+1)), as vision/geometry and the detector use; the
// OpenCV-convention templates published with the models (pixel centres at integers) are shifted by +0.5.
import { warpAffineAntialiased } from '../geometry/affine.warp.ts';
import { boundingRect } from '../geometry/box.geometry.ts';
import { fitSimilarity, invertAffine, type Affine, type Point } from '../geometry/similarity.transform.ts';
import type { FaceGeometry, RgbImage } from './embedder.port.ts';

/** Five points in FaceGeometry order: left eye, right eye (image left/right), nose tip, mouth left, mouth right. */
export type Template5 = readonly Point[];

const shift = (t: readonly Point[], d: number): Point[] => t.map(([x, y]) => [x + d, y + d] as const);

/** InsightFace's 112×112 ArcFace template (the alignment MobileFaceNet and ArcFace models are trained on). */
export const ARCFACE_112: Template5 = shift(
  [
    [38.2946, 51.6963],
    [73.5318, 51.5014],
    [56.0252, 71.7366],
    [41.5493, 92.3655],
    [70.7299, 92.2041],
  ],
  0.5,
);

/**
 * dlib's 150×150 face chip with padding 0.25 (get_face_chip_details), restated for eye centres, nose tip and mouth
 * corners: dlib's mean face puts the eye centres at x = 0.25 and 0.75 of the landmark span, eye level at ≈ 0.29,
 * the nose tip at ≈ 0.55 and the mouth corners at ≈ (0.32, 0.82)/(0.68, 0.82); the chip maps that span
 * [-0.25, 1.25] onto [0, 150]. dlib fits its own 5 points (eye corners, nose base), so this is an approximation.
 */
export const DLIB_150: Template5 = [
  [0.25, 0.293],
  [0.75, 0.293],
  [0.5, 0.55],
  [0.32, 0.82],
  [0.68, 0.82],
].map(([x, y]) => [((x! + 0.25) / 1.5) * 150, ((y! + 0.25) / 1.5) * 150] as const);

/**
 * dlib's own 5-point chip (shape_predictor_5_face_landmarks: the outer and inner corners of both eyes and the base
 * of the nose) in its mean-face units, for faces that come with a facemesh. Order: image-right eye outer, inner,
 * image-left eye outer, inner, nose base; values from dlib's get_face_chip_details.
 */
const DLIB5_MEAN: readonly Point[] = [
  [0.8595674595992, 0.2965475469122],
  [0.6420194805194, 0.2939645117862],
  [0.1395624743751, 0.2933972618342],
  [0.3649811160543, 0.2890372328289],
  [0.481369680829, 0.6075990895341],
];
/** MediaPipe mesh indices of the same five points (263/362 image-right eye corners, 33/133 image-left, 2 subnasale). */
const DLIB5_MESH = [263, 362, 33, 133, 2];

/** The 150×150, padding-0.25 chip transform from the mesh's dlib points, or undefined without a 468-point mesh. */
export function dlibMeshTransform(face: FaceGeometry, size = 150, padding = 0.25): Affine | undefined {
  const m = face.mesh;
  if (!m || (m.length !== 1404 && m.length !== 936)) return undefined;
  const stride = m.length === 1404 ? 3 : 2;
  const from = DLIB5_MESH.map((i) => [m[stride * i]!, m[stride * i + 1]!] as const);
  const to = DLIB5_MEAN.map(
    ([x, y]) => [((x + padding) / (1 + 2 * padding)) * size, ((y + padding) / (1 + 2 * padding)) * size] as const,
  );
  return fitSimilarity(from, to);
}

/** dlib's chip from the mesh when there is one, else from the five points on DLIB_150. */
export function dlibChip(image: RgbImage, face: FaceGeometry, size = 150): RgbImage {
  const chipFromImage = dlibMeshTransform(face, size) ?? chipTransform(face, DLIB_150);
  const scale = Math.hypot(chipFromImage[0], chipFromImage[3]);
  return warpAffineAntialiased(image, invertAffine(chipFromImage), size, size, scale);
}

/** The chip-from-image similarity for a face and a template. */
export function chipTransform(face: FaceGeometry, template: Template5): Affine {
  if (face.points5.length < 5) throw new RangeError('alignment needs five landmarks');
  return fitSimilarity(face.points5 as Point[], template);
}

/** A size×size chip with the face's five points moved onto `template` (bilinear, antialiased when shrinking). */
export function alignedChip(image: RgbImage, face: FaceGeometry, template: Template5, size: number): RgbImage {
  const chipFromImage = chipTransform(face, template);
  const scale = Math.hypot(chipFromImage[0], chipFromImage[3]);
  return warpAffineAntialiased(image, invertAffine(chipFromImage), size, size, scale);
}

/**
 * An unrotated box crop resized to size×size (aspect not kept), as models trained on detector boxes expect (faceres:
 * an MTCNN-like box plus a small margin). The box is the dense mesh's extent when there is one, else the detector's.
 * `margin` enlarges each side by that fraction of the box's size.
 */
export function boxChip(image: RgbImage, face: FaceGeometry, size: number, margin: number): RgbImage {
  // facemesh may come as x,y pairs (936 values) or x,y,z triples (1,404).
  const r = face.mesh && face.mesh.length >= 4 ? boundingRect(face.mesh, face.mesh.length === 1404 ? 3 : 2) : face.box;
  const x = r.x - r.width * margin;
  const y = r.y - r.height * margin;
  const w = r.width * (1 + 2 * margin);
  const h = r.height * (1 + 2 * margin);
  const srcFromChip: Affine = [w / size, 0, x, 0, h / size, y];
  return warpAffineAntialiased(image, srcFromChip, size, size, Math.min(size / w, size / h));
}

/** The mirror image of a chip (for flip test-time augmentation). */
export function mirrored(image: RgbImage): RgbImage {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      const d = (y * width + (width - 1 - x)) * 3;
      out[d] = data[s]!;
      out[d + 1] = data[s + 1]!;
      out[d + 2] = data[s + 2]!;
    }
  }
  return { data: out, width, height };
}
