// A camera's definition (config file or /v1/cameras) and its live status. Thresholds are similarities 0–100.
import { z } from 'zod';
import type { Box } from '../vision/vision.types.ts';
import { sourceSchema } from './sources/frame-source.port.ts';

const name = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1–64)');

export const cameraInputSchema = z.object({
  /** Stable id: also the Kinesis Video stream name a stream processor refers to. */
  id: name,
  name: z.string().min(1).max(200).optional(),
  source: sourceSchema,
  /** Frames per second sampled and analysed (at most; fewer when inference falls behind). */
  fps: z.number().min(0.1).max(30).default(5),
  /** Frames wider than this are scaled down before anything else (pixels). */
  maxWidth: z.number().int().min(160).max(7680).default(1280),
  collectionId: z.string().regex(/^[a-zA-Z0-9_.-]{1,255}$/),
  /** Combined-descriptor similarity for a known visitor. */
  threshold: z.number().min(0).max(100).default(80),
  /** Searches per track before it is called unknown. */
  maxAttempts: z.number().int().min(1).max(100).default(5),
  doorId: name.nullable().default(null),
  /** Per-visitor cool-down between two visits at this camera (seconds). */
  cooldownSeconds: z.number().int().min(0).max(86_400).default(60),
  enabled: z.boolean().default(true),
});
export type CameraInput = z.input<typeof cameraInputSchema>;
export type CameraSpec = z.output<typeof cameraInputSchema>;

/** `remote`: enabled, run by another process (API processes run no camera; on a shared store one process runs each). */
export type CameraState = 'stopped' | 'connecting' | 'running' | 'reconnecting' | 'ended' | 'failed' | 'remote';

export interface CameraStatus {
  state: CameraState;
  /** Frames analysed per second over the last few seconds. */
  fps: number;
  framesReceived: number;
  framesAnalysed: number;
  /** Frames replaced in the one-frame slot before inference took them (inference behind the source). */
  framesDropped: number;
  /** Frames the engine refused (not an image, too small). */
  framesInvalid: number;
  lastFrameAt: Date | null;
  lastError: string | null;
  /** Source (re)connections since start. */
  connects: number;
  activeTracks: number;
  visits: number;
}

/** A stored visit, for the recent-visits list (the Visit itself goes to the sinks). */
export interface VisitRecord {
  id: string;
  cameraId: string;
  doorId: string | null;
  collectionId: string;
  trackId: string;
  kind: 'known' | 'unknown';
  faceId: string | null;
  userId: string | null;
  externalImageId: string | null;
  similarity: number | null;
  firstSeenAt: Date;
  decidedAt: Date;
  leftAt: Date | null;
  framesSeen: number;
  /** Where the best frame (with the box drawn) is stored. */
  snapshot: { bucket: string; key: string; box: Box };
}
