// Resampling an RgbImage: an affine warp with bilinear sampling into a w×h crop (alignment, detector inputs), a
// 2×2 box downscale for large reductions (bilinear alone aliases past a factor of 2), and conversion to float
// tensors. Typed arrays only; no allocation per pixel.
import type { RgbImage } from '../embed/embedder.port.ts';
import { compose, type Affine } from './similarity.transform.ts';

/**
 * Samples `image` into a `width`×`height` crop. `srcFromDst` maps a crop pixel centre to a source position (pixel
 * centres at integer + 0.5, so the identity copies exactly). Pixels that fall outside the source take `fill`.
 */
export function warpAffine(image: RgbImage, srcFromDst: Affine, width: number, height: number, fill = 0): RgbImage {
  const out = new Uint8Array(width * height * 3);
  const { data, width: sw, height: sh } = image;
  const [a, b, c, d, e, f] = srcFromDst;
  let o = 0;
  for (let y = 0; y < height; y++) {
    const yc = y + 0.5;
    for (let x = 0; x < width; x++, o += 3) {
      const xc = x + 0.5;
      const sx = a * xc + b * yc + c - 0.5;
      const sy = d * xc + e * yc + f - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= sw || y0 >= sh) {
        out[o] = out[o + 1] = out[o + 2] = fill;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      // Clamp the four taps to the border so that the outermost half pixel blends with the edge, not with `fill`.
      const xa = x0 < 0 ? 0 : x0;
      const xb = x0 + 1 >= sw ? sw - 1 : x0 + 1;
      const ya = y0 < 0 ? 0 : y0;
      const yb = y0 + 1 >= sh ? sh - 1 : y0 + 1;
      const i00 = (ya * sw + xa) * 3;
      const i01 = (ya * sw + xb) * 3;
      const i10 = (yb * sw + xa) * 3;
      const i11 = (yb * sw + xb) * 3;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      for (let ch = 0; ch < 3; ch++) {
        out[o + ch] =
          data[i00 + ch]! * w00 + data[i01 + ch]! * w01 + data[i10 + ch]! * w10 + data[i11 + ch]! * w11 + 0.5;
      }
    }
  }
  return { data: out, width, height };
}

/** Halves both sides by averaging 2×2 blocks (odd last row/column dropped). */
export function halve(image: RgbImage): RgbImage {
  const w = image.width >> 1;
  const h = image.height >> 1;
  const out = new Uint8Array(w * h * 3);
  const src = image.data;
  const stride = image.width * 3;
  let o = 0;
  for (let y = 0; y < h; y++) {
    let i = 2 * y * stride;
    for (let x = 0; x < w; x++, i += 6, o += 3) {
      for (let ch = 0; ch < 3; ch++) {
        out[o + ch] = (src[i + ch]! + src[i + 3 + ch]! + src[i + stride + ch]! + src[i + stride + 3 + ch]! + 2) >> 2;
      }
    }
  }
  return { data: out, width: w, height: h };
}

/**
 * Warps with a prior 2×2 box pyramid when the warp shrinks the source by more than 2× (a detector input from a
 * large photo), so that bilinear sampling does not alias. `scale` is output pixels per source pixel.
 */
export function warpAffineAntialiased(
  image: RgbImage,
  srcFromDst: Affine,
  width: number,
  height: number,
  scale: number,
  fill = 0,
): RgbImage {
  let level = image;
  let factor = 1;
  while (scale * factor < 0.5 && level.width >= 4 && level.height >= 4) {
    level = halfOf(level);
    factor *= 2;
  }
  if (factor === 1) return warpAffine(image, srcFromDst, width, height, fill);
  const levelFromSrc: Affine = [level.width / image.width, 0, 0, 0, level.height / image.height, 0];
  return warpAffine(level, compose(levelFromSrc, srcFromDst), width, height, fill);
}

// Pyramid levels are kept per source image (weakly, so they go with it): an image scanned in several tiles and
// several faces is halved once, not once per crop. Images are treated as immutable once decoded.
const halves = new WeakMap<RgbImage, RgbImage>();
function halfOf(image: RgbImage): RgbImage {
  let h = halves.get(image);
  if (!h) {
    h = halve(image);
    halves.set(image, h);
  }
  return h;
}

export interface TensorOptions {
  /** value = (byte − mean[c]) · scale / std[c]; per channel in output order. */
  mean?: readonly [number, number, number];
  scale?: number;
  /** Per-channel divisor (InsightFace-style packs give mean and std); 1 when absent. */
  std?: readonly [number, number, number];
  /** Emit BGR instead of RGB. */
  bgr?: boolean;
  /** Channel-planar (CHW, as NCHW models take) instead of interleaved (HWC). */
  planar?: boolean;
}

/** NHWC (or, planar, NCHW) float32, batch 1, from an RgbImage. */
export function toTensor(image: RgbImage, options: TensorOptions = {}, out?: Float32Array): Float32Array {
  const n = image.width * image.height;
  const dst = out ?? new Float32Array(n * 3);
  const [m0, m1, m2] = options.mean ?? [0, 0, 0];
  const s = options.scale ?? 1;
  const [s0, s1, s2] = options.std ? options.std.map((d) => s / d) : [s, s, s];
  const src = image.data;
  const r = options.bgr ? 2 : 0;
  const b = options.bgr ? 0 : 2;
  // Destination index of channel c at pixel i: interleaved i·3 + c, planar c·n + i.
  const [step, c1, c2] = options.planar ? [1, n, 2 * n] : [3, 1, 2];
  for (let i = 0, j = 0, k = 0; i < n; i++, j += 3, k += step) {
    dst[k] = (src[j + r]! - m0) * s0!;
    dst[k + c1] = (src[j + 1]! - m1) * s1!;
    dst[k + c2] = (src[j + b]! - m2) * s2!;
  }
  return dst;
}

/** Luma (BT.601, 0–255) of an RgbImage, one float per pixel. */
export function toLuma(image: RgbImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n);
  const d = image.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = 0.299 * d[j]! + 0.587 * d[j + 1]! + 0.114 * d[j + 2]!;
  return out;
}
