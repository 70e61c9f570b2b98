// Builds the FrameSource driver for a camera's source spec.
import type { CameraSpec } from './camera.types.ts';
import { FfmpegSource } from './sources/ffmpeg.source.ts';
import type { FrameSource } from './sources/frame-source.port.ts';
import { PushSource } from './sources/push.source.ts';
import { SnapshotSource } from './sources/snapshot.source.ts';

export interface SourceSettings {
  ffmpegPath: string;
  /** No frame for this long = the source failed (ms). */
  stallMs: number;
}

export function createSource(spec: CameraSpec, settings: SourceSettings): FrameSource {
  const s = spec.source;
  switch (s.kind) {
    case 'rtsp':
    case 'mjpeg':
    case 'file':
      return new FfmpegSource(s, {
        ffmpegPath: settings.ffmpegPath,
        fps: spec.fps,
        maxWidth: spec.maxWidth,
        stallMs: settings.stallMs,
      });
    case 'snapshot':
      return new SnapshotSource(s.url, s.intervalMs ?? Math.round(1000 / spec.fps));
    case 'push':
      return new PushSource();
  }
}

/** Sources decoded by an ffmpeg child process (the ones that fail when ffmpeg is missing). */
export const usesFfmpeg = (spec: CameraSpec) => ['rtsp', 'mjpeg', 'file'].includes(spec.source.kind);
