// IndexFaces' QualityFilter: one table of thresholds, and the reasons a face fails it. Inputs come from the
// FaceEngine: confidence 0–100, pose in degrees, brightness and sharpness 0–100, box size in pixels.
// AUTO (Rekognition's default "let the service choose") is LOW here: it removes faces that cannot give a useful
// descriptor without rejecting ordinary photos. Change the numbers only with a measurement.
// Measured on the 17 fixture faces with the real engine (2026-11-21): AUTO/LOW keep all 17; MEDIUM drops the two
// darkest (brightness 7 and 14); HIGH drops 5 (those two, one more dim face, a 32° pitch, a 52° profile at 87%).
import type { DetectedFace } from '../vision/vision.types.ts';
import type { QualityFilter, UnindexedReason } from './collection.types.ts';

export interface QualityThresholds {
  /** Detector confidence, 0–100. */
  minConfidence: number;
  /** Degrees, absolute. */
  maxYaw: number;
  maxPitch: number;
  /** 0–100. */
  minBrightness: number;
  minSharpness: number;
  /** Shorter side of the face box, pixels. */
  minFacePx: number;
  /** Composite 0–100: mean of sharpness and exposure (100 at brightness 50, 0 at 0 or 100). */
  minFaceQuality: number;
}

export const QUALITY_THRESHOLDS: Record<Exclude<QualityFilter, 'NONE'>, QualityThresholds> = {
  LOW: {
    minConfidence: 50,
    maxYaw: 75,
    maxPitch: 60,
    minBrightness: 5,
    minSharpness: 5,
    minFacePx: 20,
    minFaceQuality: 10,
  },
  AUTO: {
    minConfidence: 50,
    maxYaw: 75,
    maxPitch: 60,
    minBrightness: 5,
    minSharpness: 5,
    minFacePx: 20,
    minFaceQuality: 10,
  },
  MEDIUM: {
    minConfidence: 80,
    maxYaw: 55,
    maxPitch: 45,
    minBrightness: 15,
    minSharpness: 15,
    minFacePx: 40,
    minFaceQuality: 25,
  },
  HIGH: {
    minConfidence: 95,
    maxYaw: 35,
    maxPitch: 30,
    minBrightness: 25,
    minSharpness: 30,
    minFacePx: 64,
    minFaceQuality: 40,
  },
};

export const faceQualityScore = (f: Pick<DetectedFace, 'quality'>): number =>
  (f.quality.sharpness + (100 - 2 * Math.abs(f.quality.brightness - 50))) / 2;

/** The reasons `face` fails `filter` (empty when it passes). */
export function qualityReasons(face: DetectedFace, filter: QualityFilter): UnindexedReason[] {
  if (filter === 'NONE') return [];
  const t = QUALITY_THRESHOLDS[filter];
  const reasons: UnindexedReason[] = [];
  if (face.confidence < t.minConfidence) reasons.push('LOW_CONFIDENCE');
  if (Math.abs(face.pose.yaw) > t.maxYaw || Math.abs(face.pose.pitch) > t.maxPitch) reasons.push('EXTREME_POSE');
  if (face.quality.brightness < t.minBrightness) reasons.push('LOW_BRIGHTNESS');
  if (face.quality.sharpness < t.minSharpness) reasons.push('LOW_SHARPNESS');
  if (Math.min(face.widthPx, face.heightPx) < t.minFacePx) reasons.push('SMALL_BOUNDING_BOX');
  if (faceQualityScore(face) < t.minFaceQuality) reasons.push('LOW_FACE_QUALITY');
  return reasons;
}

/**
 * Why a face without a descriptor cannot be indexed: EXTREME_POSE when its pose is past even LOW's limits (a profile
 * the engine saw only with its profile detector), otherwise LOW_FACE_QUALITY. Applies whatever the filter, NONE too.
 */
export function noDescriptorReason(face: Pick<DetectedFace, 'pose'>): UnindexedReason {
  const t = QUALITY_THRESHOLDS.LOW;
  return Math.abs(face.pose.yaw) > t.maxYaw || Math.abs(face.pose.pitch) > t.maxPitch
    ? 'EXTREME_POSE'
    : 'LOW_FACE_QUALITY';
}

/** The reasons IndexFaces leaves `face` out (before EXCEEDS_MAX_FACES): the filter's, and why a face has no descriptor. */
export function indexReasons(face: DetectedFace, filter: QualityFilter): UnindexedReason[] {
  const reasons = qualityReasons(face, filter);
  if (!face.descriptor) {
    const why = noDescriptorReason(face);
    if (!reasons.includes(why)) reasons.push(why);
  }
  return reasons;
}
