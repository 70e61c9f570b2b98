// A FaceEngine with known outputs for protocol tests: the first byte of the image picks the scene, so tests pin
// the adapter and the collection semantics without model noise. Descriptors are 4-d unit vectors; similarity is
// the cosine as a percentage. The real engine is exercised in sdk.engine.test.ts.
import type { DetectedFace, FaceEngine } from '../../../src/vision/vision.types.ts';

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return new Float32Array(v.map((x) => x / n));
};

export const face = (left: number, descriptor: number[], size = 0.3): DetectedFace => ({
  box: { left, top: 0.1, width: size, height: size * 1.3 },
  confidence: 99.5,
  landmarks: [
    { type: 'eyeLeft', x: left + size / 3, y: 0.25 },
    { type: 'eyeRight', x: left + (2 * size) / 3, y: 0.25 },
  ],
  pose: { roll: 1, yaw: -2, pitch: 3 },
  quality: { brightness: 60, sharpness: 80 },
  widthPx: Math.round(size * 640),
  heightPx: Math.round(size * 1.3 * 480),
  descriptor: unit(descriptor),
});

/** Scenes by first byte: 1 Ana; 2 Ana again (close) and Bo (smaller); 3 nobody; 4 Cy; 5 Bo alone. */
export const SCENES: Record<number, DetectedFace[]> = {
  1: [face(0.1, [1, 0, 0, 0])],
  2: [face(0.1, [0.97, 0.2, 0, 0]), face(0.6, [0, 1, 0, 0], 0.2)],
  3: [],
  4: [face(0.3, [0, 0, 1, 0])],
  5: [face(0.3, [0.05, 1, 0, 0])],
};

export const scene = (n: number): Uint8Array => new Uint8Array([n, 0x89, 0x50, 0x4e, 0x47]);

export const stubEngine: FaceEngine = {
  faceModelVersion: 'stub-4d-1',
  descriptorSize: 4,
  async analyze(image, options) {
    const faces = SCENES[image[0] ?? 0];
    if (!faces) throw new Error('unknown scene');
    return {
      image: { width: 640, height: 480, format: 'png', orientation: 1 },
      faces: faces
        .slice(0, options?.maxFaces ?? 100)
        .map((f) => ({ ...f, descriptor: new Float32Array(f.descriptor!) })),
    };
  },
  async labels() {
    return [];
  },
  async moderation() {
    return [];
  },
  similarity(a, b) {
    let dot = 0;
    for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
    return Math.max(0, Math.min(100, dot * 100));
  },
  async close() {},
};
