// Builds the FaceDetector from the inference runtime's catalogue models ('blazeface', 'facemesh').
import type { InferenceRuntime } from '../runtime/inference.port.ts';
import { BlazefaceDetector, DEFAULT_BLAZEFACE_OPTIONS, type BlazefaceOptions } from './blazeface.detector.ts';
import { FacemeshRefiner } from './facemesh.refiner.ts';
import { DEFAULT_FACE_DETECTOR_OPTIONS, FaceDetector, type FaceDetectorOptions } from './face.detector.ts';

export type DetectorSettings = Partial<FaceDetectorOptions> & Partial<BlazefaceOptions>;

export async function createFaceDetector(
  runtime: InferenceRuntime,
  settings: DetectorSettings = {},
): Promise<FaceDetector> {
  const [bf, fm] = await Promise.all([runtime.session('blazeface'), runtime.session('facemesh')]);
  const pick = <T extends object>(defaults: T): T =>
    Object.fromEntries(
      Object.entries(defaults).map(([k, v]) => [k, (settings as Record<string, unknown>)[k] ?? v]),
    ) as T;
  return new FaceDetector(
    new BlazefaceDetector(bf, pick(DEFAULT_BLAZEFACE_OPTIONS)),
    new FacemeshRefiner(fm),
    pick(DEFAULT_FACE_DETECTOR_OPTIONS),
  );
}
