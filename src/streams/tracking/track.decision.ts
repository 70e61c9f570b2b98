// Per-track decisions: a track's frames are combined into one descriptor (weighted by face quality and area), the
// combined descriptor is what is searched, and a verdict is taken once per track:
//  - known   as soon as the combined similarity to a face of the collection reaches the camera's threshold;
//  - unknown once the track has been seen in at least `minUnknownFrames` frames and `maxAttempts` searches found no
//            known match, or when the track ends after at least `minUnknownFrames` frames;
//  - nothing while neither holds (and nothing for a track seen once: a single frame is no evidence of a stranger).
// Pure: no I/O, no clock; the runtime feeds it frames and search results.
import type { Box } from '../../vision/vision.types.ts';

export interface DecisionOptions {
  /** Similarity (0–100) of the combined descriptor for a known verdict. */
  threshold: number;
  /** Searches per track before an unknown verdict (the attempt cap). */
  maxAttempts: number;
  /** Frames a track needs before it may be called unknown (≥ 2). */
  minUnknownFrames: number;
  /** Best frames kept per track for the visit's snapshots. */
  keepSnapshots: number;
}

export const DEFAULT_DECISION: DecisionOptions = {
  threshold: 80,
  maxAttempts: 5,
  minUnknownFrames: 2,
  keepSnapshots: 3,
};

export interface TrackSample {
  descriptor: Float32Array;
  box: Box;
  /** Detector confidence, 0–100. */
  confidence: number;
  /** Sharpness, 0–100. */
  sharpness: number;
  /** The full frame this face was seen in (JPEG) and when. */
  jpeg: Buffer;
  at: Date;
}

export interface Match {
  faceId: string;
  userId: string | null;
  externalImageId: string | null;
  similarity: number;
}

export type Verdict =
  { kind: 'known'; match: Match } | { kind: 'unknown'; bestSimilarity: number | null } | { kind: 'wait' };

/** Weight of one sample: quality (confidence × sharpness, both 0–1, sharpness floored) × face area (ratio). */
export function sampleWeight(s: Pick<TrackSample, 'box' | 'confidence' | 'sharpness'>): number {
  const quality = (s.confidence / 100) * Math.max(0.1, s.sharpness / 100);
  return quality * s.box.width * s.box.height;
}

/** Weighted mean of unit descriptors, renormalised to unit length. */
export function combine(samples: readonly { descriptor: Float32Array; weight: number }[]): Float32Array {
  const size = samples[0]?.descriptor.length ?? 0;
  const out = new Float32Array(size);
  for (const s of samples) for (let i = 0; i < size; i++) out[i]! += s.weight * s.descriptor[i]!;
  let norm = 0;
  for (let i = 0; i < size; i++) norm += out[i]! * out[i]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < size; i++) out[i]! /= norm;
  return out;
}

export class TrackDecision {
  readonly firstSeenAt: Date;
  frames = 0;
  attempts = 0;
  bestSimilarity: number | null = null;
  decided: Exclude<Verdict, { kind: 'wait' }> | undefined;
  private readonly weighted: { descriptor: Float32Array; weight: number }[] = [];
  /** The best samples by weight, best first (bounded by keepSnapshots). */
  readonly best: (TrackSample & { weight: number })[] = [];

  constructor(
    readonly trackId: string,
    first: Date,
    private readonly options: DecisionOptions = DEFAULT_DECISION,
  ) {
    this.firstSeenAt = first;
  }

  /** Adds a frame's face; returns the combined descriptor to search with. */
  add(sample: TrackSample): Float32Array {
    this.frames++;
    const weight = sampleWeight(sample);
    this.weighted.push({ descriptor: sample.descriptor, weight });
    // Only the descriptors are kept for every frame; full frames only for the best few.
    this.best.push({ ...sample, weight });
    this.best.sort((a, b) => b.weight - a.weight);
    this.best.length = Math.min(this.best.length, this.options.keepSnapshots);
    return this.combined();
  }

  combined(): Float32Array {
    return combine(this.weighted);
  }

  /** True while another search may change the verdict (undecided and under the attempt cap). */
  get searching(): boolean {
    return this.decided === undefined && this.attempts < this.options.maxAttempts;
  }

  /** Takes the result of searching the combined descriptor (best match, or none above any threshold). */
  searched(best: Match | undefined): Verdict {
    if (this.decided) return { kind: 'wait' };
    this.attempts++;
    if (best) this.bestSimilarity = Math.max(this.bestSimilarity ?? 0, best.similarity);
    if (best && best.similarity >= this.options.threshold) return (this.decided = { kind: 'known', match: best });
    if (this.attempts >= this.options.maxAttempts && this.frames >= this.options.minUnknownFrames) {
      return (this.decided = { kind: 'unknown', bestSimilarity: this.bestSimilarity });
    }
    return { kind: 'wait' };
  }

  /** The track ended: an undecided track seen often enough is a stranger; one seen once is dropped. */
  ended(): Verdict {
    if (this.decided || this.frames < this.options.minUnknownFrames) return { kind: 'wait' };
    return (this.decided = { kind: 'unknown', bestSimilarity: this.bestSimilarity });
  }
}
