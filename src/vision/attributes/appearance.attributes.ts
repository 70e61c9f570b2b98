// Attributes read from pixels around mesh points, on an upright 128×128 crop of the face: sunglasses (eye region
// much darker than the cheeks), eyeglasses (frame edges across the nose bridge and under the eyes), beard and
// mustache (chin / upper-lip darker and more textured than the cheeks). These are heuristics with thresholds set on
// the fixture portraits (docs/benchmarks.md lists the measurements); the confidences are capped accordingly.
import type { Flag } from '../vision.types.ts';
import { toLuma } from '../geometry/affine.warp.ts';
import { MESH } from '../detect/mesh.landmarks.ts';
import { meshInCrop, type UprightCrop } from './face.crops.ts';
import { flag } from './mesh.attributes.ts';

interface Patch {
  mean: number;
  /** Mean absolute vertical gradient (horizontal edges, e.g. a frame's rim). */
  edgeY: number;
  /** Mean absolute horizontal gradient. */
  edgeX: number;
}

function patch(luma: Float32Array, w: number, h: number, cx: number, cy: number, rx: number, ry: number): Patch {
  const x0 = Math.max(1, Math.round(cx - rx));
  const x1 = Math.min(w - 2, Math.round(cx + rx));
  const y0 = Math.max(1, Math.round(cy - ry));
  const y1 = Math.min(h - 2, Math.round(cy + ry));
  let s = 0;
  let gy = 0;
  let gx = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = y * w + x;
      s += luma[i]!;
      gy += Math.abs(luma[i + w]! - luma[i - w]!);
      gx += Math.abs(luma[i + 1]! - luma[i - 1]!);
      n++;
    }
  }
  return n ? { mean: s / n, edgeY: gy / n, edgeX: gx / n } : { mean: 0, edgeY: 0, edgeX: 0 };
}

export interface AppearanceFeatures {
  /** Eye-region luma over cheek luma. */
  eyeDarkness: number;
  /** Eye-region luma over forehead luma: a cap's shadow darkens both, dark lenses only the eyes. */
  eyeToForehead: number;
  /** Horizontal-edge strength across the nose bridge (luma levels per pixel; frames add a bar there). */
  frameEdges: number;
  /** Chin luma over cheek luma, and chin texture over cheek texture. */
  chinDarkness: number;
  chinTexture: number;
  /** Upper-lip luma over cheek luma, and texture ratio. */
  lipDarkness: number;
  lipTexture: number;
}

export function appearanceFeatures(crop: UprightCrop, mesh: Float32Array): AppearanceFeatures {
  const { width: w, height: h } = crop.image;
  const luma = toLuma(crop.image);
  const at = (i: number) => meshInCrop(mesh, i, crop);
  const L = MESH.imageLeftEye;
  const R = MESH.imageRightEye;
  const eyeW = Math.hypot(at(L.outer)[0] - at(L.inner)[0], at(L.outer)[1] - at(L.inner)[1]);
  const r = Math.max(2, eyeW * 0.3);
  const mid = (a: number, b: number): [number, number] => {
    const p = at(a);
    const q = at(b);
    return [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
  };
  const P = (c: [number, number], rx = r, ry = r) => patch(luma, w, h, c[0], c[1], rx, ry);
  const eyeL = P(mid(L.outer, L.inner));
  const eyeR = P(mid(R.outer, R.inner));
  const cheekL = P(at(MESH.cheekLeft));
  const cheekR = P(at(MESH.cheekRight));
  const cheek = (cheekL.mean + cheekR.mean) / 2 + 1;
  const cheekTex = (cheekL.edgeX + cheekL.edgeY + cheekR.edgeX + cheekR.edgeY) / 2 + 1;
  // Mid-forehead (mesh 151), above the brows and any frame.
  const forehead = P(at(151), r, r * 0.6);
  // Nose bridge between the eyes (mesh 168).
  const bridge = P(at(168), r * 0.6, r);
  // A frame's bridge is a horizontal bar between the eyes: a strong vertical gradient (edgeY) there. Measured in
  // luma levels per pixel on the fixed-size crop; ratios to the forehead's or the cheeks' texture separated worse
  // (beards and wrinkles move them), see docs/benchmarks.md.
  const frameEdges = bridge.edgeY;
  const chinC = mid(MESH.lowerLipBottom, MESH.chin);
  const chin = P(chinC, r * 1.2, r * 0.8);
  const lip = P(at(164), r * 1.2, r * 0.4);
  return {
    eyeDarkness: (eyeL.mean + eyeR.mean) / 2 / cheek,
    eyeToForehead: (eyeL.mean + eyeR.mean) / 2 / (forehead.mean + 1),
    frameEdges,
    chinDarkness: chin.mean / cheek,
    chinTexture: (chin.edgeX + chin.edgeY) / cheekTex,
    lipDarkness: lip.mean / cheek,
    lipTexture: (lip.edgeX + lip.edgeY) / cheekTex,
  };
}

export interface Appearance {
  sunglasses: Flag;
  eyeglasses: Flag;
  beard: Flag;
  mustache: Flag;
}

export function appearance(f: AppearanceFeatures): Appearance {
  const sunglasses = sunglassesFlag(f);
  // Sunglasses are eyeglasses too (Rekognition reports both).
  const eyeglasses = sunglasses.value
    ? { value: true, confidence: sunglasses.confidence }
    : flag(f.frameEdges, 12, 12, 85);
  const beardScore = (1 - f.chinDarkness) * 0.5 + (f.chinTexture - 1) * 0.25;
  const mustacheScore = (1 - f.lipDarkness) * 0.5 + (f.lipTexture - 1) * 0.25;
  return {
    sunglasses,
    eyeglasses,
    beard: flag(beardScore, 0.3, 0.3, 85),
    mustache: flag(mustacheScore, 0.3, 0.3, 85),
  };
}

/**
 * Dark lenses: the eye region much darker than both the cheeks and the forehead. The forehead test is what tells
 * lenses from a cap's shadow (which darkens forehead and eyes alike); eye darkness over the cheeks alone called 66
 * of the 96 darkest-eyed LFW faces sunglasses wrongly (bench/sunglasses.list.csv). The bar 0.22 on the larger of the
 * two ratios was chosen on that list's choose half (bench/attributes.eval.ts): every face under it wore dark lenses.
 * Confidence: ≥ 90 when true (no false "true" was measured); when false it grows from 60 at the bar to 95, because
 * just above it some dark lenses remain (8 of 19 on the choose half sat in 0.22–0.5).
 */
export const SUNGLASSES_BAR = 0.22;

export function sunglassesFlag(f: Pick<AppearanceFeatures, 'eyeDarkness' | 'eyeToForehead'>): Flag {
  const m = Math.max(f.eyeDarkness, f.eyeToForehead);
  const r = (v: number) => Math.round(v * 10) / 10;
  return m < SUNGLASSES_BAR
    ? { value: true, confidence: r(Math.min(98, 90 + 100 * (SUNGLASSES_BAR - m))) }
    : { value: false, confidence: r(Math.min(95, 60 + 120 * (m - SUNGLASSES_BAR))) };
}
