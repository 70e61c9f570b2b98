// The push driver of FrameSource: a browser (the door page, the console) acts as the camera and POSTs JPEG frames.
// Frames arrive through `push`; while the camera runs they go straight to the runtime (which keeps only the latest).
import type { FrameSource, SourceFrame } from './frame-source.port.ts';

export class PushSource implements FrameSource {
  private sink: ((frame: SourceFrame) => void) | undefined;
  private started = 0;

  /** False when the camera is not running (the frame is refused, not kept). */
  push(jpeg: Buffer): boolean {
    if (!this.sink) return false;
    this.sink({ jpeg, producedAt: new Date(), offsetSeconds: (Date.now() - this.started) / 1000 });
    return true;
  }

  run(onFrame: (frame: SourceFrame) => void, signal: AbortSignal): Promise<void> {
    this.sink = onFrame;
    this.started = Date.now();
    return new Promise<void>((resolve) => {
      const stop = () => {
        this.sink = undefined;
        resolve();
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
  }
}
