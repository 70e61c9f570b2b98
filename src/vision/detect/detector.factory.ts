// Builds the FaceDetector from the inference runtime's catalogue models: 'blazeface' and 'facemesh' for the mesh
// pass, and (opened on first use) 'faceapi-ssd' and 'faceapi-landmarks' for the profile pass.
import type { InferenceRuntime } from '../runtime/inference.port.ts';
import { BlazefaceDetector, DEFAULT_BLAZEFACE_OPTIONS, type BlazefaceOptions } from './blazeface.detector.ts';
import { FacemeshRefiner } from './facemesh.refiner.ts';
import { DEFAULT_FACE_DETECTOR_OPTIONS, FaceDetector, type FaceDetectorOptions } from './face.detector.ts';
import { ProfileLandmarker } from './profile.landmarks.ts';
import { DEFAULT_PROFILE_OPTIONS, ProfilePass, type ProfilePassOptions } from './profile.pass.ts';
import { SsdDetector } from './ssd.detector.ts';

export type DetectorSettings = Partial<FaceDetectorOptions> & Partial<BlazefaceOptions> & Partial<ProfilePassOptions>;

export async function createFaceDetector(
  runtime: InferenceRuntime,
  settings: DetectorSettings = {},
): Promise<FaceDetector> {
  const [bf, fm] = await Promise.all([runtime.session('blazeface'), runtime.session('facemesh')]);
  const pick = <T extends object>(defaults: T): T =>
    Object.fromEntries(
      Object.entries(defaults).map(([k, v]) => [k, (settings as Record<string, unknown>)[k] ?? v]),
    ) as T;
  const profiles = new ProfilePass(async () => {
    const [ssd, landmarks] = await Promise.all([runtime.session('faceapi-ssd'), runtime.session('faceapi-landmarks')]);
    return { ssd: new SsdDetector(ssd), landmarks: new ProfileLandmarker(landmarks) };
  }, pick(DEFAULT_PROFILE_OPTIONS));
  return new FaceDetector(
    new BlazefaceDetector(bf, pick(DEFAULT_BLAZEFACE_OPTIONS)),
    new FacemeshRefiner(fm),
    pick(DEFAULT_FACE_DETECTOR_OPTIONS),
    profiles,
  );
}
