// A deterministic FaceEngine for collection tests. The "image" is JSON naming the faces in it:
//   fakeImage([{ person: 'alice', variant: 1, px: 120 }])
// Same person → cosine ≈ 0.9 (similarity ≈ 90); different people → cosine ≈ 0 (similarity ≈ 0).
import type { AnalyzeOptions, DetectedFace, FaceEngine, ImageAnalysis } from '../../src/vision/vision.types.ts';

export interface FakeFace {
  person: string;
  variant?: number;
  /** Face box side in pixels of a 1000×1000 image. */
  px?: number;
  confidence?: number;
  yaw?: number;
  brightness?: number;
  sharpness?: number;
}

export const fakeImage = (faces: FakeFace[]): Uint8Array => new Uint8Array(Buffer.from(JSON.stringify(faces)));

function seeded(text: string, dim: number): Float32Array {
  let x = 2166136261;
  for (const ch of text) x = Math.imul(x ^ ch.charCodeAt(0), 16777619) >>> 0;
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    v[i] = x / 2 ** 32 - 0.5;
  }
  return normalise(v);
}

function normalise(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((e) => e / n);
}

export function fakeDescriptor(person: string, variant = 0, dim = 64): Float32Array {
  const base = seeded(person, dim);
  const noise = seeded(`${person}#${variant}`, dim);
  return normalise(base.map((b, i) => 0.95 * b + 0.33 * noise[i]!));
}

export class FakeEngine implements FaceEngine {
  analyzeCalls = 0;
  constructor(
    readonly faceModelVersion = 'fake-v1',
    readonly descriptorSize = 64,
  ) {}

  async analyze(image: Uint8Array, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
    this.analyzeCalls++;
    const spec = JSON.parse(Buffer.from(image).toString('utf8')) as FakeFace[];
    const faces: DetectedFace[] = spec.map((f, i) => {
      const px = f.px ?? 100;
      const face: DetectedFace = {
        box: { left: (i * 110) / 1000, top: 0.1, width: px / 1000, height: px / 1000 },
        confidence: f.confidence ?? 99.9,
        landmarks: [],
        pose: { roll: 0, yaw: f.yaw ?? 0, pitch: 0 },
        quality: { brightness: f.brightness ?? 60, sharpness: f.sharpness ?? 60 },
        widthPx: px,
        heightPx: px,
      };
      if (options.descriptors) face.descriptor = fakeDescriptor(f.person, f.variant, this.descriptorSize);
      return face;
    });
    faces.sort((a, b) => b.widthPx - a.widthPx);
    return {
      image: { width: 1000, height: 1000, format: 'jpeg', orientation: 1 },
      faces: options.maxFaces ? faces.slice(0, options.maxFaces) : faces,
    };
  }

  async labels(): Promise<never[]> {
    return [];
  }
  async moderation(): Promise<never[]> {
    return [];
  }

  /** Cosine mapped linearly to 0–100 (monotonic, as the service assumes). */
  similarity(a: Float32Array, b: Float32Array): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
    return Math.max(0, Math.min(100, s * 100));
  }

  async close(): Promise<void> {}
}

/** Sequential lowercase UUIDs, so tests can predict ids and their order. */
export function sequentialIds(prefix = '00000000') {
  let n = 0;
  return { uuid: () => `${prefix}-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}` };
}
