// The camera runtime with a scripted source and analyser (no models, no ffmpeg): frames that arrive while inference
// is busy replace each other in the one-frame slot (the latest wins, the rest are counted as dropped), and a source
// that fails is reconnected with its error shown without credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../../src/logger.ts';
import { CameraRuntime } from '../../../src/streams/camera.runtime.ts';
import { cameraInputSchema } from '../../../src/streams/camera.types.ts';
import type { FrameAnalyser } from '../../../src/streams/frame.analyser.ts';
import type { FrameSource, SourceFrame } from '../../../src/streams/sources/frame-source.port.ts';

const spec = cameraInputSchema.parse({ id: 'cam', source: { kind: 'push' }, collectionId: 'c' });
const events = { frame: () => undefined, visit: () => undefined, left: () => undefined };
const log = createLogger('silent');
const frame = (n: number): SourceFrame => ({
  jpeg: Buffer.from([0xff, 0xd8, n]),
  producedAt: new Date(),
  offsetSeconds: n,
});
const deferred = <T = void>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

test('frames that arrive while inference is busy are dropped, not queued: the latest one is analysed next', async () => {
  let deliver!: (f: SourceFrame) => void;
  const sourceReady = deferred();
  const source: FrameSource = {
    run: (onFrame, signal) => {
      deliver = onFrame;
      sourceReady.resolve();
      return new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
    },
  };
  const analysed: number[] = [];
  const started = [deferred(), deferred()];
  const release = [deferred(), deferred()];
  const analyser: FrameAnalyser = {
    faces: async (jpeg) => {
      const i = analysed.length;
      analysed.push(jpeg[2]!);
      started[i]?.resolve();
      await release[i]?.promise;
      return { width: 640, height: 480, faces: [] };
    },
    search: async () => [],
    similarity: () => 0,
  };
  const rt = new CameraRuntime(spec, source, analyser, events, () => 'id', log);
  rt.start();
  await sourceReady.promise;
  deliver(frame(1));
  await started[0]!.promise; // frame 1 is being analysed
  for (let n = 2; n <= 5; n++) deliver(frame(n)); // 2, 3, 4 are replaced by 5 in the slot
  release[0]!.resolve();
  await started[1]!.promise;
  assert.deepEqual(analysed, [1, 5]);
  const s = rt.status();
  assert.equal(s.framesReceived, 5);
  assert.equal(s.framesDropped, 3);
  release[1]!.resolve();
  await rt.stop();
  assert.equal(rt.status().state, 'stopped');
});

test('a failing source is reconnected with backoff and its error is shown without credentials', async () => {
  let calls = 0;
  const third = deferred();
  const source: FrameSource = {
    run: async (onFrame, signal) => {
      calls++;
      if (calls < 3) throw new Error('ffmpeg exited with code 1: rtsp://admin:hunter2@cam/s: Connection refused');
      onFrame(frame(1));
      third.resolve();
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    },
  };
  const analyser: FrameAnalyser = {
    faces: async () => ({ width: 640, height: 480, faces: [] }),
    search: async () => [],
    similarity: () => 0,
  };
  const rt = new CameraRuntime(spec, source, analyser, events, () => 'id', log, {
    backoffMs: 1,
    maxBackoffMs: 4,
    idleMs: 1000,
  });
  rt.start();
  await third.promise;
  const s = rt.status();
  assert.equal(s.connects, 3);
  assert.equal(s.state, 'running');
  assert.match(s.lastError ?? '', /rtsp:\/\/\*\*\*@cam\/s: Connection refused/);
  assert.ok(!(s.lastError ?? '').includes('hunter2'));
  await rt.stop();
});
