// Pupils and gaze from MediaPipe's iris model (64×64 eye crop → 71 eye-contour points + 5 iris points). Each eye is
// cropped upright (eyes level) around its corners, 2.3× the corner distance as the model was trained; the
// image-right eye is mirrored so that both look like the same eye to the model, and un-mirrored afterwards.
import type { InferenceSession } from '../runtime/inference.port.ts';
import type { RgbImage } from '../embed/embedder.port.ts';
import { toTensor, warpAffineAntialiased } from '../geometry/affine.warp.ts';
import { applyAffine, type Affine } from '../geometry/similarity.transform.ts';
import { MESH, pt } from '../detect/mesh.landmarks.ts';

const SIZE = 64;
const IRIS_CENTRE = 71;

export interface IrisResult {
  /** Pupil centres in image pixels: image-left eye, image-right eye. */
  pupils: [[number, number], [number, number]];
  /** Gaze relative to the head, degrees: yaw > 0 towards the image right, pitch > 0 up. */
  yaw: number;
  pitch: number;
}

interface Eye {
  outer: number;
  inner: number;
  upper: number;
  lower: number;
}

/** Crop pixel → image pixel for a square of side `side` centred at c, rotated by `angle`, optionally mirrored. */
function eyeTransform(c: [number, number], side: number, angle: number, mirror: boolean): Affine {
  const k = side / SIZE;
  const cos = Math.cos(angle) * k;
  const sin = Math.sin(angle) * k;
  const m = mirror ? -1 : 1;
  const h = SIZE / 2;
  // image = c + R·diag(m, 1)·(u − h, v − h)·k
  return [cos * m, -sin, c[0] - h * (cos * m - sin), sin * m, cos, c[1] - h * (sin * m + cos)];
}

export async function irisAndGaze(session: InferenceSession, image: RgbImage, mesh: Float32Array): Promise<IrisResult> {
  const eyes: Eye[] = [MESH.imageLeftEye, MESH.imageRightEye];
  const lo = pt(mesh, MESH.imageLeftEye.outer);
  const ro = pt(mesh, MESH.imageRightEye.outer);
  const angle = Math.atan2(ro[1] - lo[1], ro[0] - lo[0]);
  const transforms = eyes.map((eye, i) => {
    const a = pt(mesh, eye.outer);
    const b = pt(mesh, eye.inner);
    const c: [number, number] = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    return eyeTransform(c, Math.hypot(a[0] - b[0], a[1] - b[1]) * 2.3, angle, i === 1);
  });
  const input = new Float32Array(2 * SIZE * SIZE * 3);
  transforms.forEach((t, i) => {
    const side = Math.hypot(t[0], t[3]) * SIZE;
    const crop = warpAffineAntialiased(image, t, SIZE, SIZE, SIZE / side);
    toTensor(crop, { scale: 1 / 255 }, input.subarray(i * SIZE * SIZE * 3, (i + 1) * SIZE * SIZE * 3));
  });
  const out = Object.values(
    await session.run({ [session.inputNames[0]!]: { data: input, dims: [2, SIZE, SIZE, 3] } }),
  )[0]!.data as Float32Array;
  const stride = out.length / 2;
  const pupils = transforms.map((t, i) =>
    applyAffine(t, [out[i * stride + IRIS_CENTRE * 3]!, out[i * stride + IRIS_CENTRE * 3 + 1]!]),
  );
  // Gaze: the pupil's offset from the eye's centre (corners for x, lids for y) in the head's frame, as a fraction of
  // half the eye width. An eyeball's radius is ≈ 0.8 of half the eye opening's width, so angle ≈ asin(offset / 0.8).
  let yaw = 0;
  let pitch = 0;
  eyes.forEach((eye, i) => {
    const a = pt(mesh, eye.outer);
    const b = pt(mesh, eye.inner);
    const up = pt(mesh, eye.upper);
    const dn = pt(mesh, eye.lower);
    const half = Math.hypot(a[0] - b[0], a[1] - b[1]) / 2;
    const cx = (a[0] + b[0]) / 2;
    const cy = (up[1] + dn[1]) / 2;
    const dx = pupils[i]![0] - cx;
    const dy = pupils[i]![1] - cy;
    const hx = (dx * Math.cos(angle) + dy * Math.sin(angle)) / half;
    const hy = (-dx * Math.sin(angle) + dy * Math.cos(angle)) / half;
    const asinDeg = (v: number) => (Math.asin(Math.max(-1, Math.min(1, v / 0.8))) * 180) / Math.PI;
    yaw += asinDeg(hx) / 2;
    pitch += -asinDeg(hy) / 2;
  });
  return {
    pupils: [pupils[0]!, pupils[1]!] as [[number, number], [number, number]],
    yaw: Math.round(yaw * 10) / 10,
    pitch: Math.round(pitch * 10) / 10,
  };
}
