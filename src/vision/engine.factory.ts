// The server's engine and its admission control, from the config: the models run in a pool of worker threads
// (vision.workers, the default) or in the main thread (workers = 0); either way one slot scheduler, shared with the
// admission control in front of it, decides what runs next.
import type { Config } from '../config/config.schema.ts';
import type { Logger } from '../logger.ts';
import { Admission } from './admission/admission.control.ts';
import { SlotScheduler } from './admission/slot.scheduler.ts';
import { createFaceEngine, type LocalFaceEngine } from './face.engine.ts';
import { createModelRuntime } from './models/model.runtime.ts';
import { createEnginePool } from './pool/engine.pool.ts';
import type { InferenceRuntime } from './runtime/inference.port.ts';

/** One slot per worker, or vision.concurrency slots in the main thread. */
export function engineSlots(config: Pick<Config, 'vision'>): number {
  return config.vision.workers > 0 ? config.vision.workers : config.vision.concurrency;
}

export function createAdmission(config: Pick<Config, 'vision' | 'server'>): Admission {
  return new Admission(new SlotScheduler(engineSlots(config)), {
    maxWaitMs: config.server.maxQueueWaitMs,
    perClient: config.server.maxInFlightPerClient,
    maxAdmitted: config.server.maxInFlight,
  });
}

export interface EngineHooks {
  /** Wraps the main thread's runtime (in-process engine), e.g. to time each model run. */
  wrapRuntime?: (runtime: InferenceRuntime) => InferenceRuntime;
  /** Each model run in a pool worker (the pool has no runtime on this thread to wrap). */
  onInference?: (model: string, seconds: number) => void;
}

export function openFaceEngine(
  config: Readonly<Config>,
  logger: Logger,
  scheduler: SlotScheduler,
  hooks: EngineHooks = {},
): Promise<LocalFaceEngine> {
  if (config.vision.workers > 0) {
    return createEnginePool(config, logger, {
      workers: config.vision.workers,
      threads: config.vision.workerThreads,
      scheduler,
      ...(hooks.onInference ? { onInference: hooks.onInference } : {}),
    });
  }
  const runtime = createModelRuntime(config);
  return createFaceEngine(config, logger, { runtime: hooks.wrapRuntime?.(runtime) ?? runtime, scheduler });
}
