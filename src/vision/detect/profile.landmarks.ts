// face-api's 68-point landmark net on a face the mesh cannot fit (a profile), and what its points say about the
// head's turn. The net was trained on mostly near-frontal faces, so its points on a profile are rough; two cues
// survive: both eyes crowd together (their spacing shrinks with cos(yaw)), and the nose tip moves to the side the
// face is turned to. The pose reported for such a face is a class, not a measurement (see profilePose).
import type { InferenceSession } from '../runtime/inference.port.ts';
import type { RgbImage } from '../embed/embedder.port.ts';
import type { Rect } from '../geometry/box.geometry.ts';
import { toTensor, warpAffineAntialiased } from '../geometry/affine.warp.ts';
import type { Affine } from '../geometry/similarity.transform.ts';
import type { Landmark, Pose } from '../vision.types.ts';

export const LANDMARKS_INPUT = 112;

/** iBUG 68-point indices. */
export const IBUG = {
  noseTip: 30,
  /** The subject's right eye (image left in a frontal face): 36–41; the other: 42–47. */
  imageLeftEye: [36, 41],
  imageRightEye: [42, 47],
  imageLeftBrow: [17, 21],
  imageRightBrow: [22, 26],
  mouthLeft: 48,
  mouthRight: 54,
  mouthTop: 51,
  mouthBottom: 57,
  chin: 8,
} as const;

export interface ProfileLandmarks {
  /** 68 × (x, y), image pixels. */
  points: Float32Array;
  /** Distance between the two eye centres / box width: ≈ 0.45 frontal, shrinking as the head turns. */
  eyeSpacing: number;
  /** Nose tip's horizontal offset from the box centre / box width: < 0 turned to the image left, > 0 right. */
  noseOffset: number;
}

const mean = (p: Float32Array, [from, to]: readonly [number, number], axis: 0 | 1): number => {
  let s = 0;
  for (let i = from; i <= to; i++) s += p[2 * i + axis]!;
  return s / (to - from + 1);
};

export const centreOf = (p: Float32Array, range: readonly [number, number]): [number, number] => [
  mean(p, range, 0),
  mean(p, range, 1),
];

/** The two cues from 68 points (image pixels) and the box they were found in. */
export function turnCues(points: Float32Array, box: Rect): Pick<ProfileLandmarks, 'eyeSpacing' | 'noseOffset'> {
  const [lx, ly] = centreOf(points, IBUG.imageLeftEye);
  const [rx, ry] = centreOf(points, IBUG.imageRightEye);
  return {
    eyeSpacing: Math.hypot(rx - lx, ry - ly) / box.width,
    noseOffset: (points[2 * IBUG.noseTip]! - (box.x + box.width / 2)) / box.width,
  };
}

/**
 * The pose of a face the mesh could not fit and whose landmarks say it is turned: yaw ±90 (the side from the nose
 * tip; the magnitude is the class "profile", beyond the mesh's range of about 60°, not a measured angle), roll and
 * pitch 0 (unknown). Signs as headPose: yaw > 0 when the face turns towards the image's right.
 */
export function profilePose(noseOffset: number): Pose {
  return { yaw: noseOffset >= 0 ? 90 : -90, pitch: 0, roll: 0 };
}

export class ProfileLandmarker {
  constructor(private readonly session: InferenceSession) {}

  /** Landmarks in the square around `box` (its long side, centred), mapped back to image pixels. */
  async run(image: RgbImage, box: Rect): Promise<ProfileLandmarks> {
    const side = Math.max(box.width, box.height);
    const k = side / LANDMARKS_INPUT;
    const x0 = box.x + box.width / 2 - side / 2;
    const y0 = box.y + box.height / 2 - side / 2;
    const srcFromInput: Affine = [k, 0, x0, 0, k, y0];
    const crop = warpAffineAntialiased(image, srcFromInput, LANDMARKS_INPUT, LANDMARKS_INPUT, 1 / k);
    const out = await this.session.run({
      input: { data: toTensor(crop), dims: [1, LANDMARKS_INPUT, LANDMARKS_INPUT, 3] },
    });
    const raw = out.landmarks?.data;
    if (!(raw instanceof Float32Array) || raw.length !== 136) throw new Error('faceapi-landmarks output is missing');
    const points = new Float32Array(136);
    for (let i = 0; i < 68; i++) {
      points[2 * i] = x0 + raw[2 * i]! * side;
      points[2 * i + 1] = y0 + raw[2 * i + 1]! * side;
    }
    return { points, ...turnCues(points, box) };
  }
}

/**
 * Rekognition's landmark types from 68 iBUG points, as ratios of the image size, named as the viewer sees the
 * image (as mesh.landmarks.ts does). On a profile the far side's points are guesses of the net: rough by nature.
 */
export function rekognitionLandmarks68(points: Float32Array, width: number, height: number): Landmark[] {
  const p = (i: number): [number, number] => [points[2 * i]!, points[2 * i + 1]!];
  const mid = (i: number, j: number): [number, number] => [
    (points[2 * i]! + points[2 * j]!) / 2,
    (points[2 * i + 1]! + points[2 * j + 1]!) / 2,
  ];
  const eyeL = centreOf(points, IBUG.imageLeftEye);
  const eyeR = centreOf(points, IBUG.imageRightEye);
  const named: [string, [number, number]][] = [
    ['eyeLeft', eyeL],
    ['eyeRight', eyeR],
    ['nose', p(IBUG.noseTip)],
    ['mouthLeft', p(IBUG.mouthLeft)],
    ['mouthRight', p(IBUG.mouthRight)],
    ['leftEyeBrowLeft', p(17)],
    ['leftEyeBrowRight', p(21)],
    ['leftEyeBrowUp', p(19)],
    ['rightEyeBrowLeft', p(22)],
    ['rightEyeBrowRight', p(26)],
    ['rightEyeBrowUp', p(24)],
    ['leftEyeLeft', p(36)],
    ['leftEyeRight', p(39)],
    ['leftEyeUp', mid(37, 38)],
    ['leftEyeDown', mid(40, 41)],
    ['rightEyeLeft', p(42)],
    ['rightEyeRight', p(45)],
    ['rightEyeUp', mid(43, 44)],
    ['rightEyeDown', mid(46, 47)],
    ['noseLeft', p(31)],
    ['noseRight', p(35)],
    ['mouthUp', p(IBUG.mouthTop)],
    ['mouthDown', p(IBUG.mouthBottom)],
    ['leftPupil', eyeL],
    ['rightPupil', eyeR],
    ['upperJawlineLeft', p(1)],
    ['midJawlineLeft', p(4)],
    ['chinBottom', p(IBUG.chin)],
    ['midJawlineRight', p(12)],
    ['upperJawlineRight', p(15)],
  ];
  return named.map(([type, [x, y]]) => ({ type, x: x / width, y: y / height }));
}
