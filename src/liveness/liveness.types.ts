// The LivenessService's inputs and answers, as the Rekognition and REST adapters see them.
import type { Box } from '../vision/vision.types.ts';
import type { ChallengeProgress, FrameScore } from './liveness.challenge.ts';

export type LivenessStatus = 'CREATED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'EXPIRED';

export interface CreateSessionInput {
  auditImagesLimit?: number;
  output?: { bucket: string; keyPrefix?: string };
  clientRequestToken?: string;
  /** Who creates it (`sigv4:<access key>`, `key:<API key id>`, `jwt:<subject>`): part of its lockout keys. */
  creator?: string;
  /** The person it is for (a people-app person id, checked by the caller): exported and erased with them. */
  subjectId?: string;
}

export interface SessionImage {
  bytes?: Uint8Array;
  object?: { bucket: string; name: string };
  box: Box;
}

export interface SessionResults {
  sessionId: string;
  status: LivenessStatus;
  confidence?: number;
  referenceImage?: SessionImage;
  auditImages?: SessionImage[];
}

export interface FrameResult {
  frame: number;
  score: FrameScore;
  challenge: ChallengeProgress;
}

export interface Completed {
  sessionId: string;
  status: 'SUCCEEDED' | 'FAILED';
  confidence: number;
  /** Why it failed (logs, the page; never on the Rekognition wire); empty when it passed. */
  reason: string;
}
