// 2-D affine and similarity transforms. A matrix [a, b, c, d, e, f] maps (x, y) → (a·x + b·y + c, d·x + e·y + f).
// The similarity fit is the closed-form least-squares solution (Umeyama 1991, restricted to rotation + uniform
// scale + translation, no reflection), used to align five facial points to a descriptor model's template.

export type Affine = readonly [number, number, number, number, number, number];
export type Point = readonly [number, number];

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

export function applyAffine(m: Affine, p: Point): [number, number] {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}

/** Composition: `compose(m, n)` applies n first, then m. */
export function compose(m: Affine, n: Affine): Affine {
  return [
    m[0] * n[0] + m[1] * n[3],
    m[0] * n[1] + m[1] * n[4],
    m[0] * n[2] + m[1] * n[5] + m[2],
    m[3] * n[0] + m[4] * n[3],
    m[3] * n[1] + m[4] * n[4],
    m[3] * n[2] + m[4] * n[5] + m[5],
  ];
}

export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  if (Math.abs(det) < 1e-12) throw new RangeError('The transform is singular and cannot be inverted');
  const a = m[4] / det;
  const b = -m[1] / det;
  const d = -m[3] / det;
  const e = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])];
}

/** Rotation by `angle` radians (counter-clockwise in a y-up frame; clockwise on screen) about `center`. */
export function rotationAbout(angle: number, center: Point, scale = 1): Affine {
  const c = Math.cos(angle) * scale;
  const s = Math.sin(angle) * scale;
  return [c, -s, center[0] - c * center[0] + s * center[1], s, c, center[1] - s * center[0] - c * center[1]];
}

/**
 * The similarity transform (rotation, uniform scale, translation) that best maps `from` onto `to` in the least-squares
 * sense. Needs at least two distinct points.
 */
export function fitSimilarity(from: readonly Point[], to: readonly Point[]): Affine {
  const n = Math.min(from.length, to.length);
  if (n < 2) throw new RangeError('A similarity fit needs at least two point pairs');
  let fx = 0;
  let fy = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i]![0];
    fy += from[i]![1];
    tx += to[i]![0];
    ty += to[i]![1];
  }
  fx /= n;
  fy /= n;
  tx /= n;
  ty /= n;
  // In complex numbers, to − t̄ ≈ (a + ib)(from − f̄): a and b are the least-squares solution.
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i]![0] - fx;
    const py = from[i]![1] - fy;
    const qx = to[i]![0] - tx;
    const qy = to[i]![1] - ty;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm < 1e-12) throw new RangeError('A similarity fit needs distinct source points');
  const a = dot / norm;
  const b = cross / norm;
  return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}
