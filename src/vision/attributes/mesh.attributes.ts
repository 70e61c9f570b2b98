// Attributes read from the mesh's geometry: eyes open (eye aspect ratio), mouth open (lip gap over mouth width),
// smile (mouth-corner lift and width, combined with the emotion model's HAPPY). Confidence grows with the distance
// from the decision threshold and is capped, because the thresholds were set on a handful of photos
// (docs/benchmarks.md), not on a labelled set.
import type { Flag } from '../vision.types.ts';
import { MESH, pt } from '../detect/mesh.landmarks.ts';

const dist = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** A flag from a score and a threshold: confidence 50 at the threshold, towards `cap` as |score − t| reaches `span`. */
export function flag(score: number, threshold: number, span: number, cap = 95): Flag {
  const value = score >= threshold;
  const certainty = Math.min(1, Math.abs(score - threshold) / span);
  return { value, confidence: Math.round((50 + (cap - 50) * certainty) * 10) / 10 };
}

/** Mean of the three lid distances over the corner distance, for one eye: 0.21–0.43 on the open-eyed fixtures. */
export function eyeAspectRatio(
  mesh: Float32Array,
  eye: (typeof MESH)['imageLeftEye'] | (typeof MESH)['imageRightEye'],
) {
  const lids =
    dist(pt(mesh, eye.upper), pt(mesh, eye.lower)) +
    dist(pt(mesh, eye.upper2), pt(mesh, eye.lower2)) +
    dist(pt(mesh, eye.upper3), pt(mesh, eye.lower3));
  return lids / (3 * dist(pt(mesh, eye.outer), pt(mesh, eye.inner)));
}

export function eyesOpen(mesh: Float32Array): Flag & { ratio: number } {
  const ratio = (eyeAspectRatio(mesh, MESH.imageLeftEye) + eyeAspectRatio(mesh, MESH.imageRightEye)) / 2;
  return { ...flag(ratio, 0.17, 0.08), ratio };
}

/** Inner lip gap over mouth width: closed ≈ 0–0.05, talking 0.1–0.3, wide open > 0.4. */
export function mouthOpen(mesh: Float32Array): Flag & { ratio: number } {
  const ratio =
    dist(pt(mesh, MESH.upperLipInner), pt(mesh, MESH.lowerLipInner)) /
    dist(pt(mesh, MESH.mouthLeft), pt(mesh, MESH.mouthRight));
  return { ...flag(ratio, 0.1, 0.15), ratio };
}

/**
 * Smile: mouth corners above the lip centre line (in the face's upright frame, relative to mouth width) and a wide
 * mouth (relative to the eye distance), blended with the emotion model's HAPPY probability (0–1).
 */
export function smile(mesh: Float32Array, happy: number): Flag & { score: number } {
  const l = pt(mesh, MESH.mouthLeft);
  const r = pt(mesh, MESH.mouthRight);
  const up = pt(mesh, MESH.upperLipInner);
  const dn = pt(mesh, MESH.lowerLipInner);
  const eyeL = pt(mesh, MESH.imageLeftEye.outer);
  const eyeR = pt(mesh, MESH.imageRightEye.outer);
  const angle = Math.atan2(eyeR[1] - eyeL[1], eyeR[0] - eyeL[0]);
  const yUp = (p: [number, number]) => -(-p[0] * Math.sin(angle) + p[1] * Math.cos(angle));
  const width = dist(l, r);
  const lift = ((yUp(l) + yUp(r)) / 2 - (yUp(up) + yUp(dn)) / 2) / width;
  const wide = width / dist(eyeL, eyeR);
  // lift: neutral ≈ −0.05…0, smiling > 0.03; width ratio: neutral ≈ 0.5, smiling > 0.6.
  const geometric = Math.min(1, Math.max(0, (lift + 0.02) / 0.08) * 0.5 + Math.max(0, (wide - 0.5) / 0.2) * 0.5);
  const score = 0.6 * happy + 0.4 * geometric;
  // Capped at 87: the accuracy measured on 23 labelled photos (bench/attributes.photos.ts, docs/benchmarks.md).
  return { ...flag(score, 0.55, 0.4, 87), score };
}
