// The head-movement challenge and how a session's frames become one answer. Pure: no I/O, no clock.
//
// A live person asked to turn left and then right shows both a frontal face and faces turned well past
// TURN_DEGREES each way, with one face per frame. A photo (or a screen) held still shows one pose only, so it
// fails the challenge whatever the anti-spoof models say. Every frame must also show the same person as the reference
// frame, so a frontal live face cannot be followed by turned photos of someone else. What this does NOT catch: a photo tilted or a video replayed
// to the camera that happens to turn both ways (docs/liveness.md).
import type { Box as BoundingBox } from '../vision/vision.types.ts';

/** Yaw (degrees, the engine's head pose) a turn must reach, each way. */
export const TURN_DEGREES = 15;
/** |yaw| at most this counts as frontal (the reference image is the most frontal frame). */
export const FRONTAL_DEGREES = 10;
/** Frames with exactly one face needed before a session can pass. */
export const MIN_FACE_FRAMES = 3;
/** Every one-face frame must match the reference frame at least this similarity (0–100; 70 ≈ FAR 1e-3 per pair). */
export const SAME_PERSON = 70;

export interface FrameScore {
  /** Faces found in the frame (only frames with exactly one are judged). */
  faces: number;
  /** The one face's yaw in degrees; 0 when faces ≠ 1. */
  yaw: number;
  /** The anti-spoof models' score for the one face, 0 (spoof) to 100 (live); 0 when faces ≠ 1. */
  liveness: number;
  box?: BoundingBox;
  /** The one face's descriptor (unit length), to check that the person does not change during the sequence. */
  descriptor?: Float32Array;
}

export interface ChallengeProgress {
  frontal: boolean;
  left: boolean;
  right: boolean;
}

export function progress(frames: readonly FrameScore[]): ChallengeProgress {
  const one = frames.filter((f) => f.faces === 1);
  return {
    frontal: one.some((f) => Math.abs(f.yaw) <= FRONTAL_DEGREES),
    // Negative yaw is one way, positive the other; the page asks for left then right, either order passes.
    left: one.some((f) => f.yaw <= -TURN_DEGREES),
    right: one.some((f) => f.yaw >= TURN_DEGREES),
  };
}

export interface Verdict {
  passed: boolean;
  /** Why it failed, for the log and the page (never shown on the Rekognition wire). */
  reason: string;
  /** 0–100: mean anti-spoof score of the one-face frames × the share of frames with exactly one face; 0 if failed. */
  confidence: number;
  /** Index of the most frontal one-face frame, or −1. */
  reference: number;
}

/** `similarity`: the engine's descriptor similarity (0–100); without it the same-person check is skipped. */
export function judge(
  frames: readonly FrameScore[],
  similarity?: (a: Float32Array, b: Float32Array) => number,
): Verdict {
  const idx = frames.map((f, i) => (f.faces === 1 ? i : -1)).filter((i) => i >= 0);
  const reference = idx.reduce(
    (best, i) => (best < 0 || Math.abs(frames[i]!.yaw) < Math.abs(frames[best]!.yaw) ? i : best),
    -1,
  );
  const fail = (reason: string): Verdict => ({ passed: false, reason, confidence: 0, reference });
  if (idx.length < MIN_FACE_FRAMES) return fail(`${idx.length} frames with exactly one face (need ${MIN_FACE_FRAMES})`);
  const p = progress(frames);
  if (!p.frontal) return fail('no frontal frame');
  if (!p.left || !p.right) return fail(`the head did not turn both ways past ${TURN_DEGREES}°`);
  const ref = frames[reference]!.descriptor;
  if (similarity && ref) {
    const changed = idx.some((i) => {
      const d = frames[i]!.descriptor;
      return !d || similarity(ref, d) < SAME_PERSON;
    });
    if (changed) return fail('the face changed during the sequence');
  }
  const spoof = idx.reduce((s, i) => s + frames[i]!.liveness, 0) / idx.length;
  const confidence = Math.round(spoof * (idx.length / frames.length) * 100) / 100;
  return { passed: true, reason: '', confidence, reference };
}

/** Up to `limit` frame indices spread evenly over the one-face frames, the reference excluded. */
export function auditFrames(frames: readonly FrameScore[], reference: number, limit: number): number[] {
  const idx = frames.map((f, i) => (f.faces === 1 && i !== reference ? i : -1)).filter((i) => i >= 0);
  if (limit <= 0 || idx.length === 0) return [];
  if (idx.length <= limit) return idx;
  return Array.from({ length: limit }, (_, k) => idx[Math.floor(((k + 0.5) * idx.length) / limit)]!);
}
