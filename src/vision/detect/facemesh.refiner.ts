// FaceMesh (MediaPipe, 192×192 → 468 points + a face-presence score) on one BlazeFace candidate. The crop is rotated
// so that the eyes are level (the model was trained on upright faces) and the points are mapped back to image
// pixels through the same transform. The presence score is what rejects BlazeFace's false positives (cats, cups).
import type { InferenceSession } from '../runtime/inference.port.ts';
import type { RgbImage } from '../embed/embedder.port.ts';
import { toTensor, warpAffineAntialiased } from '../geometry/affine.warp.ts';
import { applyAffine, type Affine } from '../geometry/similarity.transform.ts';

export const FACEMESH_INPUT = 192;
export const MESH_POINTS = 468;

/** Where to look: a square region centred on a face, rotated by `angle` (radians, image coordinates, y down). */
export interface FaceRoi {
  cx: number;
  cy: number;
  /** Side of the square in image pixels. */
  side: number;
  angle: number;
}

export interface MeshResult {
  /** 468 × (x, y, z) in image pixels (z relative, same scale as x). */
  mesh: Float32Array;
  /** Face presence, 0–1. */
  score: number;
}

/** Crop pixel → image pixel for a rotated square ROI sampled at `size`×`size`. */
export function roiTransform(roi: FaceRoi, size: number): Affine {
  const k = roi.side / size;
  const c = Math.cos(roi.angle) * k;
  const s = Math.sin(roi.angle) * k;
  const h = size / 2;
  return [c, -s, roi.cx - h * (c - s), s, c, roi.cy - h * (s + c)];
}

/** The ROI MediaPipe uses for a mesh: eyes level, square, 1.5× the face box around its centre. */
export function roiFromEyes(
  box: { x: number; y: number; width: number; height: number },
  eyeA: readonly [number, number],
  eyeB: readonly [number, number],
  scale = 1.5,
): FaceRoi {
  return {
    cx: box.x + box.width / 2,
    cy: box.y + box.height / 2,
    side: Math.max(box.width, box.height) * scale,
    angle: Math.atan2(eyeB[1] - eyeA[1], eyeB[0] - eyeA[0]),
  };
}

export class FacemeshRefiner {
  constructor(private readonly session: InferenceSession) {}

  async run(image: RgbImage, roi: FaceRoi): Promise<MeshResult> {
    const m = roiTransform(roi, FACEMESH_INPUT);
    const crop = warpAffineAntialiased(image, m, FACEMESH_INPUT, FACEMESH_INPUT, FACEMESH_INPUT / roi.side);
    const input = toTensor(crop, { scale: 1 / 255 });
    const name = this.session.inputNames[0]!;
    const out = await this.session.run({ [name]: { data: input, dims: [1, FACEMESH_INPUT, FACEMESH_INPUT, 3] } });
    const tensors = Object.values(out);
    const meshT = tensors.find((t) => t.data.length === MESH_POINTS * 3);
    const flagT = tensors.find((t) => t.data.length === 1);
    if (!meshT || !flagT) throw new Error('facemesh outputs (1404 coordinates, 1 face flag) are missing');
    const raw = meshT.data as Float32Array;
    const mesh = new Float32Array(MESH_POINTS * 3);
    const k = roi.side / FACEMESH_INPUT;
    for (let i = 0; i < MESH_POINTS; i++) {
      const [x, y] = applyAffine(m, [raw[3 * i]!, raw[3 * i + 1]!]);
      mesh[3 * i] = x;
      mesh[3 * i + 1] = y;
      mesh[3 * i + 2] = raw[3 * i + 2]! * k;
    }
    // The graph ends in a sigmoid: the flag is already a probability (clamped against rounding).
    const flag = (flagT.data as Float32Array)[0]!;
    return { mesh, score: Math.min(1, Math.max(0, flag)) };
  }
}
