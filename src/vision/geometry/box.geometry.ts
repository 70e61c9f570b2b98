// Pure box arithmetic in pixels: intersection over union, non-maximum suppression (hard and weighted), clipping,
// enlarging and conversion to the ratios the Rekognition shapes use. No I/O, no allocation in the inner loops.
import type { Box } from '../vision.types.ts';

/** An axis-aligned rectangle in pixels: top-left corner and size. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Scored {
  rect: Rect;
  score: number;
}

export const area = (r: Rect): number => Math.max(0, r.width) * Math.max(0, r.height);

/** Intersection over union in [0, 1]; 0 when either box is empty. */
export function iou(a: Rect, b: Rect): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy NMS: keeps the best-scoring item and drops every other item overlapping it by more than `threshold`. */
export function nms<T extends Scored>(items: readonly T[], threshold: number): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const item of sorted) {
    if (kept.every((k) => iou(k.rect, item.rect) <= threshold)) kept.push(item);
  }
  return kept;
}

/**
 * Weighted NMS (BlazeFace's own post-processing): each cluster of overlapping candidates becomes one box whose
 * coordinates are the score-weighted mean of the cluster, which is steadier than keeping only the best candidate.
 * `merge` combines the payloads (e.g. keypoints) with the same weights; the result keeps the best score.
 */
export function weightedNms<T extends Scored>(
  items: readonly T[],
  threshold: number,
  merge: (cluster: readonly T[], weights: readonly number[]) => T,
): T[] {
  let rest = [...items].sort((a, b) => b.score - a.score);
  const out: T[] = [];
  while (rest.length > 0) {
    const best = rest[0]!;
    const cluster = rest.filter((c) => iou(best.rect, c.rect) > threshold);
    rest = rest.filter((c) => iou(best.rect, c.rect) <= threshold);
    const total = cluster.reduce((s, c) => s + c.score, 0);
    out.push(
      cluster.length === 1
        ? best
        : merge(
            cluster,
            cluster.map((c) => c.score / total),
          ),
    );
  }
  return out;
}

/** The score-weighted mean rectangle of a cluster (weights sum to 1). */
export function meanRect(rects: readonly Rect[], weights: readonly number[]): Rect {
  const r = { x: 0, y: 0, width: 0, height: 0 };
  rects.forEach((q, i) => {
    const w = weights[i] ?? 0;
    r.x += q.x * w;
    r.y += q.y * w;
    r.width += q.width * w;
    r.height += q.height * w;
  });
  return r;
}

/** Clips a rectangle to [0, width] × [0, height]; an outside rectangle becomes empty (size 0). */
export function clipRect(r: Rect, width: number, height: number): Rect {
  const x1 = Math.min(Math.max(r.x, 0), width);
  const y1 = Math.min(Math.max(r.y, 0), height);
  const x2 = Math.min(Math.max(r.x + r.width, 0), width);
  const y2 = Math.min(Math.max(r.y + r.height, 0), height);
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

/** Scales a rectangle about its centre; `square` makes both sides the longer one. */
export function enlargeRect(r: Rect, factor: number, square = false): Rect {
  const cx = r.x + r.width / 2;
  const cy = r.y + r.height / 2;
  let w = r.width * factor;
  let h = r.height * factor;
  if (square) w = h = Math.max(w, h);
  return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
}

/** Pixels → Rekognition ratios of the image size, clipped to the image. */
export function toRatioBox(r: Rect, width: number, height: number): Box {
  const c = clipRect(r, width, height);
  return { left: c.x / width, top: c.y / height, width: c.width / width, height: c.height / height };
}

/** The tight rectangle around a set of points given as interleaved x, y (pixels). */
export function boundingRect(xy: ArrayLike<number>, stride = 2): Rect {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (let i = 0; i + 1 < xy.length; i += stride) {
    const x = xy[i]!;
    const y = xy[i + 1]!;
    if (x < x1) x1 = x;
    if (x > x2) x2 = x;
    if (y < y1) y1 = y;
    if (y > y2) y2 = y;
  }
  return x1 <= x2 ? { x: x1, y: y1, width: x2 - x1, height: y2 - y1 } : { x: 0, y: 0, width: 0, height: 0 };
}
