// One engine pool worker: its own FaceEngine with its own ONNX Runtime sessions, one analysis at a time (the pool
// never sends a second before the first is answered). ONNX Runtime's run is synchronous on the calling thread, so a
// worker per core is what lets two analyses, and the HTTP work of the main thread, proceed at once.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../../logger.ts';
import { createModelRuntime } from '../models/model.runtime.ts';
import type { InferenceRuntime, InferenceSession } from '../runtime/inference.port.ts';
import { createFaceEngine } from '../face.engine.ts';
import { toWire, type PoolReply, type PoolRequest, type Timings, type WorkerInit } from './pool.protocol.ts';

const init = workerData as WorkerInit;
const port = parentPort!;
let timings: Timings = [];

/** Records each model run of the current call, for the main thread's inference metrics. */
function timed(inner: InferenceRuntime): InferenceRuntime {
  const wrapped = new Map<InferenceSession, InferenceSession>();
  return {
    async session(name) {
      const s = await inner.session(name);
      let w = wrapped.get(s);
      if (!w) {
        w = {
          name: s.name,
          inputNames: s.inputNames,
          outputNames: s.outputNames,
          run: async (feeds) => {
            const started = performance.now();
            try {
              return await s.run(feeds);
            } finally {
              timings.push([name, (performance.now() - started) / 1000]);
            }
          },
        };
        wrapped.set(s, w);
      }
      return w;
    },
    close: () => inner.close(),
  };
}

const config = {
  ...init.config,
  models: { ...init.config.models, threads: init.threads },
  vision: { ...init.config.vision, concurrency: 1 },
};
const logger = createLogger(init.logLevel).child({ worker: init.index });
const engine = await createFaceEngine(config, logger, { runtime: timed(createModelRuntime(config)) });

async function handle(m: PoolRequest): Promise<unknown> {
  switch (m.kind) {
    case 'ready':
      await engine.ready();
      return undefined;
    case 'analyze':
      return engine.analyze(m.bytes, m.options);
    case 'labels':
      return engine.labels(m.bytes, m.options);
    case 'moderation':
      return engine.moderation(m.bytes, m.options);
    case 'close':
      await engine.close();
      return undefined;
  }
}

port.on('message', (m: PoolRequest) => {
  timings = [];
  const reply = (r: PoolReply) => port.postMessage(r);
  handle(m)
    .then(
      (value) => reply({ id: m.id, ok: true, value, timings }),
      (e: unknown) => reply({ id: m.id, ok: false, error: toWire(e), timings }),
    )
    // Closing the port lets the thread end once the engine is closed and the answer is sent.
    .finally(() => m.kind === 'close' && port.close());
});
