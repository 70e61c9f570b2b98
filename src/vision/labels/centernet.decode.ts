// Running centernet (COCO, 512² input, RGB 0–255, in-graph top-100 decode) over an image: the whole image squashed
// to 512², plus square tiles along the long side of a wide or tall image, where small objects (a phone in a hand)
// are otherwise a few pixels. Detections come back in image pixels, merged per class.
import type { RgbImage } from '../embed/embedder.port.ts';
import { iou, type Rect } from '../geometry/box.geometry.ts';
import { toTensor, warpAffineAntialiased } from '../geometry/affine.warp.ts';
import type { InferenceRuntime } from '../runtime/inference.port.ts';

export const CENTERNET_MODEL = 'centernet';
const SIZE = 512;
const INPUT = 'tower_0/images';
const OUTPUT = 'tower_0/detections';
/** Raw scores below this are noise for every class (the lowest label confidence we report maps above it). */
const MIN_SCORE = 0.05;

export interface Detection {
  classId: number;
  /** centernet's raw score in [0, 1]. */
  score: number;
  rect: Rect;
}

/** A tile's detection must cover less than this share of the tile. */
const MAX_TILE_SHARE = 0.25;

interface View {
  rect: Rect;
  tile: boolean;
  /** Which sides are inside the image (a box touching them was cut by the tile). */
  inner: { left: boolean; right: boolean; top: boolean; bottom: boolean };
}

/** The whole image, then square tiles when the aspect ratio is 1.2 or more. */
export function views(width: number, height: number): View[] {
  const whole: View = {
    rect: { x: 0, y: 0, width, height },
    tile: false,
    inner: { left: false, right: false, top: false, bottom: false },
  };
  const side = Math.min(width, height);
  const long = Math.max(width, height);
  const n = Math.ceil(long / side - 0.2);
  if (n < 2) return [whole];
  const out = [whole];
  for (let i = 0; i < n; i++) {
    const off = (i * (long - side)) / (n - 1);
    const first = i === 0;
    const last = i === n - 1;
    out.push(
      width > height
        ? {
            rect: { x: off, y: 0, width: side, height: side },
            tile: true,
            inner: { left: !first, right: !last, top: false, bottom: false },
          }
        : {
            rect: { x: 0, y: off, width: side, height: side },
            tile: true,
            inner: { left: false, right: false, top: !first, bottom: !last },
          },
    );
  }
  return out;
}

function cutByTile(r: Rect, v: View): boolean {
  const m = 0.02 * v.rect.width;
  return (
    (v.inner.left && r.x <= v.rect.x + m) ||
    (v.inner.right && r.x + r.width >= v.rect.x + v.rect.width - m) ||
    (v.inner.top && r.y <= v.rect.y + m) ||
    (v.inner.bottom && r.y + r.height >= v.rect.y + v.rect.height - m)
  );
}

async function detectView(runtime: InferenceRuntime, image: RgbImage, v: View): Promise<Detection[]> {
  const { x, y, width: w, height: h } = v.rect;
  const crop = warpAffineAntialiased(image, [w / SIZE, 0, x, 0, h / SIZE, y], SIZE, SIZE, Math.min(SIZE / w, SIZE / h));
  const session = await runtime.session(CENTERNET_MODEL);
  const out = await session.run({ [INPUT]: { data: toTensor(crop), dims: [1, SIZE, SIZE, 3] } });
  const d = out[OUTPUT]?.data as Float32Array;
  const found: Detection[] = [];
  // Rows: x1, y1, x2, y2 (pixels of the 512² input), score, class; sorted by score.
  for (let i = 0; i + 6 <= d.length; i += 6) {
    const score = d[i + 4]!;
    if (!(score >= MIN_SCORE)) break;
    const x1 = x + (Math.max(0, d[i]!) * w) / SIZE;
    const y1 = y + (Math.max(0, d[i + 1]!) * h) / SIZE;
    const x2 = x + (Math.min(SIZE, d[i + 2]!) * w) / SIZE;
    const y2 = y + (Math.min(SIZE, d[i + 3]!) * h) / SIZE;
    if (x2 <= x1 || y2 <= y1) continue;
    const rect = { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
    // Tiles are there for small objects; large ones are the whole view's (a tile sees only part of them).
    if (v.tile && (cutByTile(rect, v) || rect.width * rect.height > MAX_TILE_SHARE * w * h)) continue;
    found.push({ classId: Math.round(d[i + 5]!), score, rect });
  }
  return found;
}

/** Overlap as a share of the smaller box: 1 when one box lies inside the other. */
function containment(a: Rect, b: Rect): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const small = Math.min(a.width * a.height, b.width * b.height);
  return small > 0 ? (ix * iy) / small : 0;
}

function duplicates(k: Detection, d: Detection, iouThreshold: number, containThreshold: number): boolean {
  return (
    k.classId === d.classId && (iou(k.rect, d.rect) > iouThreshold || containment(k.rect, d.rect) > containThreshold)
  );
}

/**
 * Per-class greedy NMS over the whole-image detections, then tile detections that add a new object. A box mostly
 * inside a kept box of its class is the same object seen by another view. The whole view goes first so that a
 * tile's partial view of a large object never displaces the whole object.
 */
export function mergeDetections(
  whole: Detection[],
  tiles: Detection[],
  iouThreshold = 0.5,
  containThreshold = 0.8,
): Detection[] {
  const kept: Detection[] = [];
  for (const list of [whole, tiles])
    for (const d of [...list].sort((a, b) => b.score - a.score))
      if (!kept.some((k) => duplicates(k, d, iouThreshold, containThreshold))) kept.push(d);
  return kept.sort((a, b) => b.score - a.score);
}

/**
 * The image shrunk by `factor` into the middle of a mid-grey square canvas (centernet's view of a close-up from
 * further away); detections come back in the image's own pixels, clipped to it.
 */
export async function detectZoomedOut(
  runtime: InferenceRuntime,
  image: RgbImage,
  factor: number,
): Promise<Detection[]> {
  const side = Math.max(image.width, image.height) * factor;
  const ox = (side - image.width) / 2;
  const oy = (side - image.height) / 2;
  const k = side / SIZE;
  // Canvas pixel (u, v) samples image pixel (u·k − ox, v·k − oy); outside the image the warp's border is grey.
  const crop = warpAffineAntialiased(image, [k, 0, -ox, 0, k, -oy], SIZE, SIZE, 1 / k, 114);
  const session = await runtime.session(CENTERNET_MODEL);
  const out = await session.run({ [INPUT]: { data: toTensor(crop), dims: [1, SIZE, SIZE, 3] } });
  const d = out[OUTPUT]?.data as Float32Array;
  const found: Detection[] = [];
  for (let i = 0; i + 6 <= d.length; i += 6) {
    const score = d[i + 4]!;
    if (!(score >= MIN_SCORE)) break;
    const x1 = Math.max(0, d[i]! * k - ox);
    const y1 = Math.max(0, d[i + 1]! * k - oy);
    const x2 = Math.min(image.width, d[i + 2]! * k - ox);
    const y2 = Math.min(image.height, d[i + 3]! * k - oy);
    if (x2 <= x1 || y2 <= y1) continue;
    found.push({ classId: Math.round(d[i + 5]!), score, rect: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 } });
  }
  return found;
}

export async function detectObjects(runtime: InferenceRuntime, image: RgbImage): Promise<Detection[]> {
  const [whole, ...tileViews] = views(image.width, image.height);
  const tiles: Detection[] = [];
  for (const v of tileViews) tiles.push(...(await detectView(runtime, image, v)));
  return mergeDetections(await detectView(runtime, image, whole!), tiles);
}
