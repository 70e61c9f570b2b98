// Face locators for the LFW run. The product's detector is the one that counts; a cached-faces file (JSON of
// key → {box, points5, mesh?} | null) lets a run reuse detections made elsewhere (e.g. face-api's SSD + 68 points
// from bench/lfw.faceapi-baseline.ts), so that detector and descriptor effects can be told apart.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { FacegateError } from '../../errors.ts';
import type { FaceGeometry, RgbImage } from '../embed/embedder.port.ts';
import type { FaceLocator } from './lfw.eval.ts';

/** The face nearest the image centre (LFW's subject), or null. */
export function centralFace<T>(faces: readonly T[], centre: (f: T) => [number, number], image: RgbImage): T | null {
  let best: T | null = null;
  let bestD = Infinity;
  for (const f of faces) {
    const [x, y] = centre(f);
    const d = Math.hypot(x - image.width / 2, y - image.height / 2);
    if (d < bestD) [best, bestD] = [f, d];
  }
  return best;
}

interface CachedFace {
  box: { x: number; y: number; width: number; height: number };
  points5: [number, number][];
  mesh?: number[];
}

/** 68-point (dlib/iBUG order) landmarks → the Embedder port's five points and box. */
export function fromLandmarks68(p: readonly number[]): CachedFace {
  const mean = (from: number, to: number): [number, number] => {
    let x = 0;
    let y = 0;
    for (let i = from; i <= to; i++) [x, y] = [x + p[2 * i]!, y + p[2 * i + 1]!];
    return [x / (to - from + 1), y / (to - from + 1)];
  };
  const xs = p.filter((_, i) => i % 2 === 0);
  const ys = p.filter((_, i) => i % 2 === 1);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return {
    box: { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y },
    points5: [mean(36, 41), mean(42, 47), [p[60]!, p[61]!], [p[96]!, p[97]!], [p[108]!, p[109]!]],
    mesh: [...p],
  };
}

/** Reads a cached-faces file: either {key: CachedFace | null} or the face-api baseline's {key: {points68}}. */
export function cachedFacesLocator(file: string): FaceLocator {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const faces = new Map<string, CachedFace | null>();
  for (const [k, v] of Object.entries(raw)) {
    const e = v as { points68?: number[] | null; points5?: unknown } | null;
    if (e && Array.isArray(e.points68)) faces.set(k, fromLandmarks68(e.points68));
    else if (e && 'points5' in e) faces.set(k, e as CachedFace);
    else faces.set(k, null);
  }
  return {
    version: `cached-${basename(file, '.json')}`,
    locate(_image: RgbImage, key: string): Promise<FaceGeometry | null> {
      if (!faces.has(key)) throw new FacegateError('NOT_FOUND', `${file} has no entry for ${key}`);
      const f = faces.get(key);
      if (!f) return Promise.resolve(null);
      return Promise.resolve({
        box: f.box,
        points5: f.points5,
        ...(f.mesh ? { mesh: Float32Array.from(f.mesh) } : {}),
      });
    },
  };
}

/** What the LFW run needs of the product's face detector (src/vision/detect), typed structurally. */
export interface MeshDetector {
  detect(
    image: RgbImage,
  ): Promise<
    { rect: { x: number; y: number; width: number; height: number }; points5: [number, number][]; mesh: Float32Array }[]
  >;
}

/** The product's detector as a locator: the face nearest the image centre. */
export function detectorLocator(detector: MeshDetector, version: string): FaceLocator {
  return {
    version,
    async locate(image: RgbImage): Promise<FaceGeometry | null> {
      const faces = await detector.detect(image);
      const f = centralFace(faces, (x) => [x.rect.x + x.rect.width / 2, x.rect.y + x.rect.height / 2], image);
      return f ? { box: f.rect, points5: f.points5, mesh: f.mesh } : null;
    },
  };
}
