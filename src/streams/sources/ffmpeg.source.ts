// The ffmpeg driver of FrameSource: RTSP (TCP transport), HTTP MJPEG and local video files are decoded by an ffmpeg
// child process that samples at the camera's rate, caps the width, and writes MJPEG to stdout, split into frames here.
// A source that sends nothing for `stallMs` is killed and reported as failed (the camera then reconnects).
import { spawn } from 'node:child_process';
import { JpegSplitter } from './jpeg.splitter.ts';
import type { FrameSource, SourceFrame, SourceSpec } from './frame-source.port.ts';
import { redactUrl } from './redact.ts';

export interface FfmpegOptions {
  ffmpegPath: string;
  /** Frames per second sampled from the stream. */
  fps: number;
  /** Frames wider than this are scaled down (height follows, even). */
  maxWidth: number;
  /** No frame for this long (ms) = the source failed. */
  stallMs: number;
}

type FfmpegSpec = Extract<SourceSpec, { kind: 'rtsp' | 'mjpeg' | 'file' }>;

/**
 * The RTSP demuxer's socket timeout option. ffmpeg 5 and later call it -timeout (microseconds); before 5, -timeout
 * meant "wait this many seconds for a publisher" and turned on listen mode, and the socket timeout was -stimeout —
 * with the old name, ffmpeg 4 (as the packaged @ffmpeg-installer build is) would listen instead of connecting.
 */
export type RtspTimeoutOption = '-timeout' | '-stimeout';

const rtspTimeoutOptions = new Map<string, Promise<RtspTimeoutOption>>();

/** Which of the two this ffmpeg takes, from its own help (asked once per path; -timeout when it cannot tell). */
export function rtspTimeoutOption(ffmpegPath: string): Promise<RtspTimeoutOption> {
  let known = rtspTimeoutOptions.get(ffmpegPath);
  if (!known) {
    known = new Promise((resolve) => {
      const child = spawn(ffmpegPath, ['-hide_banner', '-h', 'demuxer=rtsp'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.on('error', () => undefined);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(/^\s*-stimeout\s/m.test(out) ? '-stimeout' : '-timeout');
      });
    });
    rtspTimeoutOptions.set(ffmpegPath, known);
  }
  return known;
}

/** ffmpeg's arguments for a source; exported for the unit test (and never logged: the URL may hold credentials). */
export function ffmpegArgs(
  spec: FfmpegSpec,
  o: Pick<FfmpegOptions, 'fps' | 'maxWidth'> & { rtspTimeout?: RtspTimeoutOption },
): string[] {
  const input: string[] = [];
  switch (spec.kind) {
    case 'rtsp':
      // TCP: no lost UDP packets (smeared frames); a 10 s socket timeout (microseconds). In listen mode the
      // publisher may take its time, so no timeout is set.
      if (spec.listen) input.push('-rtsp_flags', 'listen', '-rtsp_transport', 'tcp', '-i', spec.url);
      else input.push('-rtsp_transport', 'tcp', o.rtspTimeout ?? '-timeout', '10000000', '-i', spec.url);
      break;
    case 'mjpeg':
      input.push('-rw_timeout', '10000000', '-i', spec.url);
      break;
    case 'file':
      // -re: read at the file's own rate, as a live camera would deliver it.
      input.push('-re', ...(spec.loop ? ['-stream_loop', '-1'] : []), '-i', spec.path);
      break;
  }
  return [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
    ...input,
    ...['-an', '-sn', '-vf', `fps=${o.fps},scale='min(${o.maxWidth},iw)':-2`],
    ...['-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '3', 'pipe:1'],
  ];
}

export class FfmpegSource implements FrameSource {
  constructor(
    private readonly spec: FfmpegSpec,
    private readonly options: FfmpegOptions,
  ) {}

  async run(onFrame: (frame: SourceFrame) => void, signal: AbortSignal): Promise<void> {
    const { ffmpegPath, fps, stallMs } = this.options;
    const pulls = this.spec.kind === 'rtsp' && !this.spec.listen;
    const rtspTimeout = pulls ? await rtspTimeoutOption(ffmpegPath) : undefined;
    const args = ffmpegArgs(this.spec, { ...this.options, ...(rtspTimeout && { rtspTimeout }) });
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return resolve();
      const started = Date.now();
      let frames = 0;
      let settled = false;
      let stderr = '';
      const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(stall);
        signal.removeEventListener('abort', onAbort);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        if (error) reject(error);
        else resolve();
      };
      let stall = setTimeout(() => finish(new Error(`no frame for ${stallMs} ms`)), stallMs);
      const onAbort = () => finish();
      signal.addEventListener('abort', onAbort, { once: true });
      const splitter = new JpegSplitter((jpeg) => {
        clearTimeout(stall);
        stall = setTimeout(() => finish(new Error(`no frame for ${stallMs} ms`)), stallMs);
        const offsetSeconds = this.spec.kind === 'file' ? frames / fps : (Date.now() - started) / 1000;
        frames++;
        onFrame({ jpeg, producedAt: new Date(), offsetSeconds });
      });
      child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
      // Only the tail is kept: the reason a source failed is in its last lines.
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
      child.on('error', (e: NodeJS.ErrnoException) =>
        finish(
          new Error(
            e.code === 'ENOENT'
              ? `ffmpeg not found at ${ffmpegPath} (install ffmpeg or set FACEGATE_FFMPEG_PATH)`
              : `ffmpeg could not start: ${e.message}`,
          ),
        ),
      );
      child.on('close', (code) => {
        if (settled) return;
        const detail = redactUrl(stderr.trim().split('\n').slice(-3).join(' | '));
        if (code === 0 && frames > 0) finish();
        else finish(new Error(`ffmpeg exited with code ${code ?? 'signal'}${detail ? `: ${detail}` : ''}`));
      });
    });
  }
}

/** `ffmpeg -version`'s first line, or an Error saying why ffmpeg cannot run (for start-up and /readyz). */
export function probeFfmpeg(ffmpegPath: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, ['-hide_banner', '-version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ffmpeg at ${ffmpegPath} did not answer -version within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(e.code === 'ENOENT' ? `ffmpeg not found at ${ffmpegPath}` : e.message));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out.split('\n')[0] ?? 'ffmpeg');
      else reject(new Error(`ffmpeg at ${ffmpegPath} exited with code ${code ?? 'signal'}`));
    });
  });
}
