// Named points of the 468-point MediaPipe face mesh, and the Rekognition landmarks derived from them.
// MediaPipe names sides from the subject's point of view; Rekognition (like its sample outputs: eyeLeft has the
// smaller X) names them as the viewer sees the image. So Rekognition's "left" eye is the subject's right eye.
import type { Landmark } from '../vision.types.ts';

/** Mesh indices, named as the viewer sees the image (image-left = the subject's right side). */
export const MESH = {
  imageLeftEye: { outer: 33, inner: 133, upper: 159, lower: 145, upper2: 158, lower2: 153, upper3: 160, lower3: 144 },
  imageRightEye: { outer: 263, inner: 362, upper: 386, lower: 374, upper2: 385, lower2: 380, upper3: 387, lower3: 373 },
  imageLeftBrow: { outer: 70, inner: 107, up: 105 },
  imageRightBrow: { outer: 300, inner: 336, up: 334 },
  noseTip: 1,
  noseBridge: 6,
  noseLeft: 129,
  noseRight: 358,
  mouthLeft: 61,
  mouthRight: 291,
  upperLipTop: 0,
  upperLipInner: 13,
  lowerLipInner: 14,
  lowerLipBottom: 17,
  chin: 152,
  forehead: 10,
  jawUpperLeft: 234,
  jawMidLeft: 172,
  jawMidRight: 397,
  jawUpperRight: 454,
  cheekLeft: 205,
  cheekRight: 425,
} as const;

type Eye = (typeof MESH)['imageLeftEye'] | (typeof MESH)['imageRightEye'];

export const pt = (mesh: Float32Array, i: number): [number, number] => [mesh[3 * i]!, mesh[3 * i + 1]!];

/** Centre of an eye: the mean of its corners and lids (the mesh has no pupil; the iris model refines this). */
export function eyeCentre(mesh: Float32Array, eye: Eye): [number, number] {
  const idx = [eye.outer, eye.inner, eye.upper, eye.lower, eye.upper2, eye.lower2, eye.upper3, eye.lower3];
  let x = 0;
  let y = 0;
  for (const i of idx) {
    x += mesh[3 * i]!;
    y += mesh[3 * i + 1]!;
  }
  return [x / idx.length, y / idx.length];
}

/** The five alignment points in the Embedder port's order: image-left eye, image-right eye, nose, mouth corners. */
export function fivePoints(mesh: Float32Array): [number, number][] {
  return [
    eyeCentre(mesh, MESH.imageLeftEye),
    eyeCentre(mesh, MESH.imageRightEye),
    pt(mesh, MESH.noseTip),
    pt(mesh, MESH.mouthLeft),
    pt(mesh, MESH.mouthRight),
  ];
}

/**
 * Every Rekognition landmark type, as ratios of the image size. `pupils` (image-left, image-right) come from the
 * iris model when it ran; otherwise the eye centres stand in.
 */
export function rekognitionLandmarks(
  mesh: Float32Array,
  width: number,
  height: number,
  pupils?: [[number, number], [number, number]],
): Landmark[] {
  const L = MESH.imageLeftEye;
  const R = MESH.imageRightEye;
  const eyeL = eyeCentre(mesh, L);
  const eyeR = eyeCentre(mesh, R);
  const named: [string, [number, number]][] = [
    ['eyeLeft', eyeL],
    ['eyeRight', eyeR],
    ['nose', pt(mesh, MESH.noseTip)],
    ['mouthLeft', pt(mesh, MESH.mouthLeft)],
    ['mouthRight', pt(mesh, MESH.mouthRight)],
    ['leftEyeBrowLeft', pt(mesh, MESH.imageLeftBrow.outer)],
    ['leftEyeBrowRight', pt(mesh, MESH.imageLeftBrow.inner)],
    ['leftEyeBrowUp', pt(mesh, MESH.imageLeftBrow.up)],
    ['rightEyeBrowLeft', pt(mesh, MESH.imageRightBrow.inner)],
    ['rightEyeBrowRight', pt(mesh, MESH.imageRightBrow.outer)],
    ['rightEyeBrowUp', pt(mesh, MESH.imageRightBrow.up)],
    ['leftEyeLeft', pt(mesh, L.outer)],
    ['leftEyeRight', pt(mesh, L.inner)],
    ['leftEyeUp', pt(mesh, L.upper)],
    ['leftEyeDown', pt(mesh, L.lower)],
    ['rightEyeLeft', pt(mesh, R.inner)],
    ['rightEyeRight', pt(mesh, R.outer)],
    ['rightEyeUp', pt(mesh, R.upper)],
    ['rightEyeDown', pt(mesh, R.lower)],
    ['noseLeft', pt(mesh, MESH.noseLeft)],
    ['noseRight', pt(mesh, MESH.noseRight)],
    ['mouthUp', pt(mesh, MESH.upperLipTop)],
    ['mouthDown', pt(mesh, MESH.lowerLipBottom)],
    ['leftPupil', pupils?.[0] ?? eyeL],
    ['rightPupil', pupils?.[1] ?? eyeR],
    ['upperJawlineLeft', pt(mesh, MESH.jawUpperLeft)],
    ['midJawlineLeft', pt(mesh, MESH.jawMidLeft)],
    ['chinBottom', pt(mesh, MESH.chin)],
    ['midJawlineRight', pt(mesh, MESH.jawMidRight)],
    ['upperJawlineRight', pt(mesh, MESH.jawUpperRight)],
  ];
  return named.map(([type, [x, y]]) => ({ type, x: x / width, y: y / height }));
}
