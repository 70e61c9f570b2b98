// What a camera tells the rest of Facegate: one decision per tracked face (a visit), not one per frame. The camera
// side (src/streams: sources, sampling, tracking, per-track decisions) produces these; the door (src/apps/door), the
// stream processors (Rekognition protocol) and MQTT discovery consume them through a VisitSink.
import type { Box } from '../vision/vision.types.ts';

/** One sampled frame with its faces, as the camera analysed it. Boxes are ratios of the frame's width/height. */
export interface AnalysedFrame {
  cameraId: string;
  /** Monotonic per camera. */
  frameNumber: number;
  /** When the frame was taken (producer time) and when Facegate received it (server time). */
  producedAt: Date;
  receivedAt: Date;
  /** Seconds since the source started. */
  offsetSeconds: number;
  width: number;
  height: number;
  faces: {
    trackId: string;
    box: Box;
    /** 0–100. */
    confidence: number;
    /** Unit-length descriptor of this frame's face (the collection's face model). */
    descriptor: Float32Array;
    /** Best matches of this frame's face in the camera's collection, best first; similarity 0–100. */
    matches: { faceId: string; similarity: number; externalImageId: string | null; userId: string | null }[];
  }[];
}

export type VisitVerdict =
  /** The track's combined similarity reached the camera's threshold for one face (or user) of the collection. */
  | { kind: 'known'; faceId: string; userId: string | null; externalImageId: string | null; similarity: number }
  /** Seen in at least two frames and never matched above the threshold within the track's attempts. */
  | { kind: 'unknown'; bestSimilarity: number | null };

export interface Visit {
  /** Stable id of the visit (one per track decision). */
  id: string;
  cameraId: string;
  /** The door the camera belongs to, if any. */
  doorId: string | null;
  collectionId: string;
  trackId: string;
  verdict: VisitVerdict;
  /** When the face first appeared and when the decision was taken. */
  firstSeenAt: Date;
  decidedAt: Date;
  framesSeen: number;
  /** The track's best frames (JPEG, full resolution, best first), with the face's box as ratios; at least one. */
  snapshots: { jpeg: Uint8Array; box: Box; quality: number }[];
  /** The combined (quality- and area-weighted) unit-length descriptor of the track, for registering an unknown face. */
  descriptor: Float32Array;
}

export interface VisitLeft {
  visitId: string;
  cameraId: string;
  doorId: string | null;
  trackId: string;
  leftAt: Date;
}

/** Where camera decisions go. Handlers must not throw for one visit's failure to stop the camera (they log it). */
export interface VisitSink {
  /** A frame with faces was analysed (stream processors' records, live view overlays). Called often: keep it cheap. */
  frame?(frame: AnalysedFrame): void;
  visit(visit: Visit): Promise<void>;
  left(event: VisitLeft): Promise<void>;
}
