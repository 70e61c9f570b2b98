// One running camera: the source loop (connect, reconnect with backoff) feeds a one-frame slot (latest frame wins:
// a frame that arrives while inference is busy replaces the waiting one and counts as dropped, so memory never grows
// with a slow model), and the analysis loop takes frames from the slot one at a time. Cameras share nothing but the
// engine, whose own semaphore orders their inference; one camera's failure never stops another.
import type { Logger } from '../logger.ts';
import { CameraAnalysis, type AnalysisEvents } from './camera.analysis.ts';
import type { CameraSpec, CameraState, CameraStatus } from './camera.types.ts';
import type { FrameAnalyser } from './frame.analyser.ts';
import type { FrameSource, SourceFrame } from './sources/frame-source.port.ts';
import { redactUrl } from './sources/redact.ts';

export interface RuntimeOptions {
  /** Reconnect backoff: first delay, doubling up to the max (ms). */
  backoffMs: number;
  maxBackoffMs: number;
  /** With no frame for this long, tracks are ended (ms): the tracker's gap. */
  idleMs: number;
}

export const DEFAULT_RUNTIME: RuntimeOptions = { backoffMs: 500, maxBackoffMs: 30_000, idleMs: 2000 };

export class CameraRuntime {
  private readonly abort = new AbortController();
  private slot: SourceFrame | undefined;
  private wake: (() => void) | undefined;
  private readonly analysis: CameraAnalysis;
  private readonly analysedAt: number[] = [];
  private loops: Promise<unknown> = Promise.resolve();
  private readonly counters = { received: 0, analysed: 0, dropped: 0, invalid: 0, connects: 0 };
  private state: CameraState = 'stopped';
  private lastFrameAt: Date | null = null;
  private lastError: string | null = null;
  private sourceDone = false;

  constructor(
    readonly spec: CameraSpec,
    private readonly source: FrameSource,
    analyser: FrameAnalyser,
    events: AnalysisEvents,
    ids: () => string,
    private readonly log: Logger,
    private readonly options: RuntimeOptions = DEFAULT_RUNTIME,
  ) {
    this.analysis = new CameraAnalysis(spec, analyser, events, ids, log);
  }

  start(): void {
    this.state = 'connecting';
    // Both loops handle their own failures; anything that still escapes marks the camera failed instead of
    // becoming an unhandled rejection.
    this.loops = Promise.all([this.sourceLoop(), this.analysisLoop()]).catch((e: unknown) => {
      this.state = 'failed';
      this.lastError = redactUrl(e instanceof Error ? e.message : String(e));
      this.log.error({ cameraId: this.spec.id, err: this.lastError }, 'camera stopped on an unexpected error');
    });
  }

  /** Stops the source and waits for the frame being analysed; ends every open track (`left`). */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.loops;
    this.analysis.expire(new Date(), true);
    this.state = 'stopped';
  }

  /** Resolves when the source has ended and the last frame was analysed (files that do not loop). */
  async done(): Promise<void> {
    await this.loops;
  }

  status(): CameraStatus {
    const now = Date.now();
    const recent = this.analysedAt.filter((t) => now - t <= 5000);
    const span = recent.length > 1 ? (recent[recent.length - 1]! - recent[0]!) / 1000 : 0;
    return {
      state: this.state,
      fps: span > 0 ? Math.round(((recent.length - 1) / span) * 100) / 100 : 0,
      framesReceived: this.counters.received,
      framesAnalysed: this.counters.analysed,
      framesDropped: this.counters.dropped,
      framesInvalid: this.counters.invalid,
      lastFrameAt: this.lastFrameAt,
      lastError: this.lastError,
      connects: this.counters.connects,
      activeTracks: this.analysis.activeTracks,
      visits: this.analysis.visits,
    };
  }

  get latest() {
    return this.analysis.latest;
  }

  private offer(frame: SourceFrame): void {
    this.counters.received++;
    this.lastFrameAt = frame.producedAt;
    if (this.state !== 'running') this.state = 'running';
    if (this.slot) this.counters.dropped++;
    this.slot = frame;
    this.wake?.();
  }

  private async sourceLoop(): Promise<void> {
    const signal = this.abort.signal;
    let delay = this.options.backoffMs;
    while (!signal.aborted) {
      this.counters.connects++;
      const before = this.counters.received;
      try {
        await this.source.run((f) => this.offer(f), signal);
        if (signal.aborted) break;
        const src = this.spec.source;
        // A file that does not loop is done when it ends; a live stream that ends is a failure (reconnect).
        if (src.kind !== 'file' || src.loop) throw new Error('the stream ended');
        this.state = 'ended';
        this.log.info({ cameraId: this.spec.id }, 'camera source ended');
        break;
      } catch (e) {
        this.lastError = redactUrl(e instanceof Error ? e.message : String(e));
        this.state = 'reconnecting';
        if (this.counters.received > before) delay = this.options.backoffMs;
        this.log.warn({ cameraId: this.spec.id, err: this.lastError, retryInMs: delay }, 'camera source failed');
      }
      await sleep(delay, signal);
      delay = Math.min(this.options.maxBackoffMs, delay * 2);
    }
    this.sourceDone = true;
    this.wake?.();
  }

  private async analysisLoop(): Promise<void> {
    const signal = this.abort.signal;
    for (;;) {
      if (signal.aborted) return;
      const frame = this.slot;
      if (!frame) {
        if (this.sourceDone) {
          this.analysis.expire(new Date(), true);
          return;
        }
        // Bounded wait: with no frame for idleMs, open tracks are ended all the same.
        const got = await new Promise<boolean>((resolve) => {
          const t = setTimeout(() => resolve(false), this.options.idleMs);
          this.wake = () => (clearTimeout(t), resolve(true));
        });
        this.wake = undefined;
        if (!got) this.analysis.expire(new Date());
        continue;
      }
      this.slot = undefined;
      try {
        await this.analysis.analyse(frame, new Date());
        this.counters.analysed++;
        this.analysedAt.push(Date.now());
        if (this.analysedAt.length > 200) this.analysedAt.splice(0, 100);
      } catch (e) {
        this.counters.invalid++;
        this.lastError = `frame ${this.counters.received}: ${e instanceof Error ? e.message : String(e)}`;
        this.log.debug({ cameraId: this.spec.id, err: e }, 'frame not analysed');
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
