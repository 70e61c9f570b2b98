// Associates each frame's faces with the tracks of the frames before: a face continues a track when its box overlaps
// the track's last box and its descriptor is not clearly someone else's, or when its descriptor alone is a confident
// match (a face that moved fast between two sampled frames). Greedy on the best pairs first; pure (time is passed in).
import type { Box } from '../../vision/vision.types.ts';

export interface TrackerOptions {
  /** Box overlap (IoU, 0–1) that counts as the same place. */
  minIou: number;
  /** Descriptor similarity (0–100) a face in the same place must still have (guards against two people swapping). */
  minSimilarityWithOverlap: number;
  /** Descriptor similarity (0–100) that links a face anywhere in the frame. */
  minSimilarity: number;
  /** A track not seen for this long (ms) has ended. */
  maxGapMs: number;
}

export const DEFAULT_TRACKER: TrackerOptions = {
  minIou: 0.2,
  minSimilarityWithOverlap: 40,
  minSimilarity: 70,
  maxGapMs: 2000,
};

export interface TrackedFace {
  box: Box;
  descriptor: Float32Array;
}

export interface TrackHead {
  id: string;
  box: Box;
  descriptor: Float32Array;
  lastSeenMs: number;
}

/** Intersection over union of two boxes (ratios), 0–1. */
export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.left, b.left);
  const y1 = Math.max(a.top, b.top);
  const x2 = Math.min(a.left + a.width, b.left + b.width);
  const y2 = Math.min(a.top + a.height, b.top + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

export class FaceTracker {
  private readonly heads = new Map<string, TrackHead>();

  constructor(
    private readonly similarity: (a: Float32Array, b: Float32Array) => number,
    private readonly newId: () => string,
    private readonly options: TrackerOptions = DEFAULT_TRACKER,
  ) {}

  /** Track ids for `faces` (same order) and the tracks that ended (not seen for maxGapMs) as of `nowMs`. */
  update(faces: readonly TrackedFace[], nowMs: number): { trackIds: string[]; ended: string[] } {
    const o = this.options;
    const pairs: { face: number; track: string; score: number }[] = [];
    faces.forEach((f, i) => {
      for (const h of this.heads.values()) {
        const overlap = iou(f.box, h.box);
        const sim = this.similarity(f.descriptor, h.descriptor);
        const same = (overlap >= o.minIou && sim >= o.minSimilarityWithOverlap) || sim >= o.minSimilarity;
        if (same) pairs.push({ face: i, track: h.id, score: overlap + sim / 100 });
      }
    });
    pairs.sort((a, b) => b.score - a.score);
    const trackIds: (string | undefined)[] = faces.map(() => undefined);
    const taken = new Set<string>();
    for (const p of pairs) {
      if (trackIds[p.face] !== undefined || taken.has(p.track)) continue;
      trackIds[p.face] = p.track;
      taken.add(p.track);
    }
    const ids = faces.map((f, i) => {
      const id = trackIds[i] ?? this.newId();
      this.heads.set(id, { id, box: f.box, descriptor: f.descriptor, lastSeenMs: nowMs });
      return id;
    });
    return { trackIds: ids, ended: this.expire(nowMs) };
  }

  /** Ends tracks not seen for maxGapMs (also called when a frame has no faces or the source stops). */
  expire(nowMs: number, all = false): string[] {
    const ended: string[] = [];
    for (const h of this.heads.values()) {
      if (all || nowMs - h.lastSeenMs > this.options.maxGapMs) ended.push(h.id);
    }
    for (const id of ended) this.heads.delete(id);
    return ended;
  }

  get active(): number {
    return this.heads.size;
  }
}
