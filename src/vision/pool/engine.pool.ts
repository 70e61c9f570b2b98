// The FaceEngine over a pool of worker threads (vision.workers > 0): each worker holds its own engine and ONNX Runtime
// sessions and analyses one image at a time; the slot scheduler (one slot per worker) decides which request goes
// next. The main thread keeps HTTP, SigV4, JSON and the stores. Callers see the same FaceEngine as in process:
// results cross the thread boundary by structured clone (descriptors stay Float32Array), errors keep their code.
// A worker that dies fails its one call with INTERNAL and is started again for the next.
import { Worker } from 'node:worker_threads';
import type { Config } from '../../config/config.schema.ts';
import { FacegateError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { SlotScheduler } from '../admission/slot.scheduler.ts';
import { scheduled } from '../admission/request.scope.ts';
import { createDescriptor } from '../embed/fusion.descriptor.ts';
import { createPackDescriptor } from '../embed/pack.embedder.ts';
import type { LocalFaceEngine } from '../face.engine.ts';
import { LABEL_MODEL_VERSION } from '../labels/labels.detect.ts';
import { MODERATION_MODEL_VERSION } from '../moderation/moderation.detect.ts';
import type { InferenceRuntime } from '../runtime/inference.port.ts';
import type { ImageAnalysis, Label, ModerationLabel } from '../vision.types.ts';
import { fromWire, type PoolCall as Call, type PoolReply, type WorkerInit } from './pool.protocol.ts';

export interface EnginePoolOptions {
  workers: number;
  /** Intra-op threads per worker session. */
  threads: number;
  scheduler?: SlotScheduler;
  /** Each model run in a worker: model name and seconds (the inference metrics). */
  onInference?: (model: string, seconds: number) => void;
}

const BOOT = new URL('./worker.boot.js', import.meta.url);
const ENTRY = new URL('./engine.worker.ts', import.meta.url).href;

/** The main thread never runs a model: its descriptor object only provides the calibrated similarity. */
const NO_RUNTIME: InferenceRuntime = {
  session: () => Promise.reject(new FacegateError('INTERNAL', 'models run in the engine pool workers')),
  close: async () => undefined,
};

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

class PoolWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  busy = false;

  constructor(
    private readonly init: Omit<WorkerInit, 'entry'>,
    private readonly log: Logger,
    private readonly onInference?: (model: string, seconds: number) => void,
  ) {}

  call<T>(message: Call, transfer: ArrayBuffer[] = []): Promise<T> {
    const worker = (this.worker ??= this.spawn());
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...message, id }, transfer);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise((r) => worker.once('exit', r));
    await this.call({ kind: 'close' }).catch(() => undefined);
    const timer = setTimeout(() => void worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): Worker {
    const worker = new Worker(BOOT, { workerData: { ...this.init, entry: ENTRY } satisfies WorkerInit });
    worker.on('message', (r: PoolReply) => {
      for (const [model, seconds] of r.timings) this.onInference?.(model, seconds);
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (r.ok) p?.resolve(r.value);
      else p?.reject(fromWire(r.error));
    });
    worker.on('error', (e) => this.log.error({ err: e, worker: this.init.index }, 'engine worker failed'));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      const lost = [...this.pending.values()];
      this.pending.clear();
      if (lost.length) this.log.error({ worker: this.init.index, code }, 'engine worker stopped during an analysis');
      for (const p of lost)
        p.reject(new FacegateError('INTERNAL', undefined, { cause: new Error(`worker exit ${code}`) }));
    });
    return worker;
  }
}

/** A copy the worker can take over (a view's buffer may be a larger shared pool, which would be cloned whole). */
function own(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

export async function createEnginePool(
  config: Readonly<Config>,
  log: Logger,
  o: EnginePoolOptions,
): Promise<LocalFaceEngine> {
  const logger = log.child({ module: 'engine.pool' });
  const descriptor =
    config.vision.descriptor === 'pack'
      ? await createPackDescriptor(NO_RUNTIME, config.models.pack)
      : createDescriptor(NO_RUNTIME, config.vision.descriptor);
  const slots = o.scheduler ?? new SlotScheduler(o.workers);
  if (slots.slots !== o.workers)
    throw new RangeError(`the scheduler has ${slots.slots} slots for ${o.workers} workers`);
  const plain = structuredClone(config) as Config;
  const workers = Array.from(
    { length: o.workers },
    (_, index) =>
      new PoolWorker({ config: plain, threads: o.threads, index, logLevel: logger.level }, logger, o.onInference),
  );

  /** Runs one call on a free worker; the scheduler admits at most one call per worker, so one is always free. */
  const dispatch = <T>(message: Call, bytes?: Uint8Array): Promise<T> =>
    scheduled(slots, async () => {
      const w = workers.find((x) => !x.busy)!;
      w.busy = true;
      try {
        return await w.call<T>(message, bytes ? [bytes.buffer as ArrayBuffer] : []);
      } finally {
        w.busy = false;
      }
    });

  return {
    faceModelVersion: descriptor.embedder.version,
    descriptorSize: descriptor.embedder.size,
    labelModelVersion: LABEL_MODEL_VERSION,
    moderationModelVersion: MODERATION_MODEL_VERSION,
    analyze: (bytes, options = {}) => {
      const copy = own(bytes);
      return dispatch<ImageAnalysis>({ kind: 'analyze', bytes: copy, options }, copy);
    },
    labels: (bytes, options = {}) => {
      const copy = own(bytes);
      return dispatch<Label[]>({ kind: 'labels', bytes: copy, options }, copy);
    },
    moderation: (bytes, options = {}) => {
      const copy = own(bytes);
      return dispatch<ModerationLabel[]>({ kind: 'moderation', bytes: copy, options }, copy);
    },
    similarity: (a, b) => descriptor.similarity(a, b),
    async ready() {
      const started = performance.now();
      await Promise.all(workers.map((w) => w.call({ kind: 'ready' })));
      logger.info(
        { workers: o.workers, threads: o.threads, ms: Math.round(performance.now() - started) },
        'engine pool ready',
      );
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
