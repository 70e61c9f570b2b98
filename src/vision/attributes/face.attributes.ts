// Every FaceAttributes field for one detected face: the model-based ones (emotion, age, gender, pupils/gaze) and the
// derived ones (eyes/mouth open, smile, glasses, beard, mustache, occlusion). Models come from the runtime by
// catalogue name; nothing here holds state between faces.
import type { InferenceRuntime } from '../runtime/inference.port.ts';
import type { FaceAttributes } from '../vision.types.ts';
import type { RgbImage } from '../embed/embedder.port.ts';
import type { MeshFace } from '../detect/face.detector.ts';
import { ageGender, emotions } from './model.attributes.ts';
import { LIVENESS_MODELS, livenessScore } from './liveness.attributes.ts';
import { irisAndGaze, type IrisResult } from './iris.attributes.ts';
import { eyesOpen, flag, mouthOpen, smile } from './mesh.attributes.ts';
import { appearance, appearanceFeatures } from './appearance.attributes.ts';
import { uprightCrop } from './face.crops.ts';
import { headPose } from '../quality/pose.quality.ts';

export const ATTRIBUTE_MODELS = ['emotion', 'faceres', 'iris', 'faceapi-agegender'] as const;
export { LIVENESS_MODELS } from './liveness.attributes.ts';

export interface AttributeResult {
  attributes: FaceAttributes;
  /** Pupil centres (image pixels) from the iris model, for the leftPupil/rightPupil landmarks. */
  iris: IrisResult;
}

export async function faceAttributes(
  runtime: InferenceRuntime,
  image: RgbImage,
  face: MeshFace,
): Promise<AttributeResult> {
  const [emotionS, faceresS, irisS, faceApiS] = await Promise.all(ATTRIBUTE_MODELS.map((m) => runtime.session(m)));
  const geometry = { box: face.rect, points5: face.points5, mesh: face.mesh };
  // Independent models: run together, so that ONNX Runtime can use another core for each.
  const [emo, ag, iris] = await Promise.all([
    emotions(emotionS!, image, face.roi),
    ageGender(faceresS!, faceApiS!, image, geometry),
    irisAndGaze(irisS!, image, face.mesh),
  ]);
  const happy = (emo.find((e) => e.type === 'HAPPY')?.confidence ?? 0) / 100;
  const look = appearance(appearanceFeatures(uprightCrop(image, face.roi, 128), face.mesh));
  const strip = <T extends { value: boolean; confidence: number }>(f: T) => ({
    value: f.value,
    confidence: f.confidence,
  });
  // Occlusion: FaceMesh's presence score drops when a hand, a phone or a mask hides part of the face. Weak signal:
  // the confidence is capped at 70.
  const faceOccluded = flag(1 - face.score, 0.15, 0.3, 70);
  const open = eyesOpen(face.mesh);
  return {
    attributes: {
      ageRange: ag.ageRange,
      gender: ag.gender,
      emotions: emo.map((e) => ({ type: e.type, confidence: Math.round(e.confidence * 10) / 10 })),
      smile: strip(smile(face.mesh, happy)),
      eyesOpen: strip(open),
      mouthOpen: strip(mouthOpen(face.mesh)),
      eyeglasses: look.eyeglasses,
      sunglasses: look.sunglasses,
      beard: look.beard,
      mustache: look.mustache,
      faceOccluded,
      eyeDirection: { yaw: iris.yaw, pitch: iris.pitch, confidence: gazeConfidence(face.mesh, open.value) },
    },
    iris,
  };
}

/**
 * The iris model is most reliable on open eyes seen from the front: 85 for a frontal face, one point less per degree
 * of head yaw or pitch, 30 when the eyes are closed (the pupils are then guessed).
 */
function gazeConfidence(mesh: Float32Array, eyesAreOpen: boolean): number {
  if (!eyesAreOpen) return 30;
  const pose = headPose(mesh);
  return Math.max(30, Math.round(85 - Math.abs(pose.yaw) - Math.abs(pose.pitch)));
}

export async function faceLiveness(runtime: InferenceRuntime, image: RgbImage, face: MeshFace): Promise<number> {
  const sessions = await Promise.all(LIVENESS_MODELS.map((m) => runtime.session(m)));
  return (await livenessScore(sessions, image, face.roi)).score;
}
