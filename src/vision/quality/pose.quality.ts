// Head pose from the 3-D face mesh, in degrees. FaceMesh's z has the same scale as x and y (pixels), so the angles
// follow from three vectors fixed to the head: the eye line (yaw about the vertical, roll in the image plane) and the
// forehead → chin line (pitch).
// Signs (also in docs/vision.md): roll > 0 when the head tilts clockwise as seen in the image; yaw > 0 when
// the face turns towards the image's right (the subject's left); pitch > 0 when the face tilts up.
import type { Pose } from '../vision.types.ts';
import { MESH } from '../detect/mesh.landmarks.ts';

const DEG = 180 / Math.PI;

const p3 = (mesh: Float32Array, i: number) => [mesh[3 * i]!, mesh[3 * i + 1]!, mesh[3 * i + 2]!] as const;

// `+ 0` turns −0 into 0.
const round1 = (v: number) => Math.round(v * 10) / 10 + 0;

export function headPose(mesh: Float32Array): Pose {
  const [lx, ly, lz] = p3(mesh, MESH.imageLeftEye.outer);
  const [rx, ry, rz] = p3(mesh, MESH.imageRightEye.outer);
  const [tx, ty, tz] = p3(mesh, MESH.forehead);
  const [bx, by, bz] = p3(mesh, MESH.chin);
  const ex = rx - lx;
  const ey = ry - ly;
  const ez = rz - lz;
  const roll = Math.atan2(ey, ex) * DEG;
  // Yaw: the eye line's turn out of the image plane, measured in the plane that contains it and the depth axis.
  // When the face turns to the image right, the image-right eye moves away from the camera (larger z).
  const yaw = Math.atan2(ez, Math.hypot(ex, ey)) * DEG;
  // Pitch: the forehead → chin line's tilt out of the image plane. Face tilted up → the chin comes towards the
  // camera (smaller z) relative to the forehead.
  const vx = bx - tx;
  const vy = by - ty;
  const vz = bz - tz;
  const pitch = Math.atan2(-vz, Math.hypot(vx, vy)) * DEG;
  return { roll: round1(roll), yaw: round1(yaw), pitch: round1(pitch) };
}
