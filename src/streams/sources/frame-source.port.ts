// The FrameSource port: where a camera's pictures come from. Every driver delivers whole JPEG frames, already sampled
// at the camera's rate; the camera runtime (camera.runtime.ts) decides what to analyse. Drivers: ffmpeg (RTSP, HTTP
// MJPEG, a local video file), an HTTP snapshot URL polled at an interval, and frames pushed by a browser.
import { z } from 'zod';

/** One sampled frame. `jpeg` is a complete JPEG (SOI … EOI). */
export interface SourceFrame {
  jpeg: Buffer;
  /** When the source produced it (wall clock of this process when the source has no clock of its own). */
  producedAt: Date;
  /** Seconds since this source session started. */
  offsetSeconds: number;
}

export interface FrameSource {
  /**
   * Delivers frames to `onFrame` until the source ends (resolves: a file that is not looped) or fails (rejects with
   * an Error whose message is safe to show: no credentials). Aborting `signal` stops it and resolves.
   * `onFrame` must not block: the runtime keeps only the latest frame.
   */
  run(onFrame: (frame: SourceFrame) => void, signal: AbortSignal): Promise<void>;
}

const url = z.string().min(1).max(2048);

/** A camera's source, as the config file and /v1/cameras give it. */
export const sourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('rtsp'),
    url: url.regex(/^rtsps?:\/\//, 'must be an rtsp:// or rtsps:// URL'),
    /** Facegate listens on the URL's port and the camera (or an encoder) publishes to it, instead of Facegate pulling. */
    listen: z.boolean().default(false),
  }),
  z.object({ kind: z.literal('mjpeg'), url: url.regex(/^https?:\/\//, 'must be an http(s):// URL') }),
  z.object({
    kind: z.literal('snapshot'),
    url: url.regex(/^https?:\/\//, 'must be an http(s):// URL'),
    /** Poll interval (ms); default: 1000 / fps. */
    intervalMs: z.number().int().min(50).max(3_600_000).optional(),
  }),
  z.object({ kind: z.literal('file'), path: z.string().min(1).max(4096), loop: z.boolean().default(true) }),
  /** Frames POSTed to /v1/cameras/{id}/frames (the door page or the console acting as the camera). */
  z.object({ kind: z.literal('push') }),
]);
export type SourceSpec = z.infer<typeof sourceSchema>;
