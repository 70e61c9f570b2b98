// Synthetic faces for the collections benchmark: `identities` random unit centres, and face i = identity (i mod
// identities) plus deterministic noise, so that two faces of one identity have cosine ≈ 0.85 (similarity ≈ 85) and
// faces of different identities ≈ 0. Vectors are regenerated from their index instead of kept, so the process's
// memory is the index's.
import type { AnalyzeOptions, DetectedFace, FaceEngine, ImageAnalysis } from '../src/vision/vision.types.ts';

function fill(out: Float32Array, seed: number): void {
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) / 2 ** 32 - 0.5;
  }
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

export class SyntheticFaces {
  private readonly centres: Float32Array[];
  constructor(
    readonly dim: number,
    readonly identities: number,
  ) {
    this.centres = Array.from({ length: identities }, (_, k) => {
      const c = new Float32Array(dim);
      fill(c, 1_000_003 + k);
      return normalise(c);
    });
  }

  /** Face `i` (also usable as a fresh probe when i is beyond the indexed range). */
  face(i: number): Float32Array {
    const noise = new Float32Array(this.dim);
    fill(noise, 7_000_001 + i);
    normalise(noise);
    const c = this.centres[i % this.identities]!;
    const v = new Float32Array(this.dim);
    for (let j = 0; j < this.dim; j++) v[j] = 0.92 * c[j]! + 0.39 * noise[j]!;
    return normalise(v);
  }
}

/** A FaceEngine whose "image" is the 4-byte index of a synthetic face: no model cost, so only the store is timed. */
export class SyntheticEngine implements FaceEngine {
  readonly faceModelVersion = 'synthetic-v1';
  constructor(private readonly faces: SyntheticFaces) {}
  get descriptorSize(): number {
    return this.faces.dim;
  }

  async analyze(image: Uint8Array, _options?: AnalyzeOptions): Promise<ImageAnalysis> {
    const i = new DataView(image.buffer, image.byteOffset, 4).getUint32(0, true);
    const face: DetectedFace = {
      box: { left: 0.3, top: 0.3, width: 0.4, height: 0.4 },
      confidence: 99.9,
      landmarks: [],
      pose: { roll: 0, yaw: 0, pitch: 0 },
      quality: { brightness: 60, sharpness: 60 },
      widthPx: 200,
      heightPx: 200,
      descriptor: this.faces.face(i),
    };
    return { image: { width: 500, height: 500, format: 'jpeg', orientation: 1 }, faces: [face] };
  }
  async labels(): Promise<never[]> {
    return [];
  }
  async moderation(): Promise<never[]> {
    return [];
  }
  similarity(a: Float32Array, b: Float32Array): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
    return Math.max(0, Math.min(100, 100 * s));
  }
  async close(): Promise<void> {}
}

export const imageOf = (i: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, i, true);
  return b;
};

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
