// The InferenceRuntime driver over onnxruntime-node (CPU execution provider). One session per model, created on
// first use and shared; graph optimisation on (it also folds away the NHWC↔NCHW Transpose pairs the converter emits).
import { access } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { FacegateError } from '../../errors.ts';
import { logger } from '../../logger.ts';
import type { InferenceRuntime, InferenceSession, Tensor } from './inference.port.ts';

const log = logger.child({ module: 'onnx.runtime' });

/** Where a model's bytes come from: a file path (the model cache) or the bytes themselves (tests, verification). */
export type ModelSource = (modelName: string) => Promise<string | Uint8Array>;

export interface OnnxRuntimeOptions {
  /** Intra-op threads per session; 0 lets ONNX Runtime choose. */
  threads: number;
  /**
   * Let idle intra-op threads busy-wait for work. Faster on an otherwise idle machine; on a shared or busy CPU it
   * halves throughput (measured: MobileFaceNet 2 threads 30 ms spinning vs 15 ms not, under load). Default off.
   */
  spin?: boolean;
  /**
   * ONNX Runtime's CPU memory arena: each session keeps the peak of its intermediate tensors allocated. Off by default:
   * measured on a 640×480 photo, off saves ~40 MB per engine through DetectFaces ALL (~85 MB with labels and
   * moderation) at no measurable speed cost, which matters with one engine per worker thread.
   */
  arena?: boolean;
  source: ModelSource;
  /** Checks a freshly created session (e.g. its input/output names against a manifest); a throw fails the load. */
  validate?: (modelName: string, io: { inputNames: readonly string[]; outputNames: readonly string[] }) => void;
}

type OrtType = 'float32' | 'int32' | 'int64' | 'uint8';

function toOrt(t: Tensor): ort.Tensor {
  const type: OrtType =
    t.data instanceof Float32Array
      ? 'float32'
      : t.data instanceof Int32Array
        ? 'int32'
        : t.data instanceof BigInt64Array
          ? 'int64'
          : 'uint8';
  return new ort.Tensor(type, t.data, t.dims);
}

function fromOrt(name: string, t: ort.Tensor): Tensor {
  const d = t.data;
  if (d instanceof Float32Array || d instanceof Int32Array || d instanceof BigInt64Array || d instanceof Uint8Array)
    return { data: d, dims: t.dims };
  throw new FacegateError('INTERNAL', `model output ${name} has unsupported type ${t.type}`);
}

class OnnxSession implements InferenceSession {
  constructor(
    readonly name: string,
    private readonly session: ort.InferenceSession,
  ) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = toOrt(v);
    const out = await this.session.run(ortFeeds);
    const result: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(out)) result[k] = fromOrt(k, v);
    return result;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

export class OnnxRuntime implements InferenceRuntime {
  private readonly sessions = new Map<string, Promise<OnnxSession>>();
  private closed = false;

  constructor(private readonly options: OnnxRuntimeOptions) {}

  session(modelName: string): Promise<InferenceSession> {
    if (this.closed) return Promise.reject(new FacegateError('INTERNAL', 'the inference runtime is closed'));
    let s = this.sessions.get(modelName);
    if (!s) {
      s = this.load(modelName);
      // A failed load is not cached: the next call retries (e.g. after `facegate models prepare`).
      s.catch(() => this.sessions.delete(modelName));
      this.sessions.set(modelName, s);
    }
    return s;
  }

  private async load(modelName: string): Promise<OnnxSession> {
    const src = await this.options.source(modelName);
    if (typeof src === 'string') {
      try {
        await access(src);
      } catch (e) {
        throw new FacegateError('MODEL_NOT_AVAILABLE', `model ${modelName} is not prepared (${src} is missing)`, {
          cause: e,
        });
      }
    }
    const opts: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      ...(this.options.threads > 0 ? { intraOpNumThreads: this.options.threads } : {}),
      interOpNumThreads: 1,
      enableCpuMemArena: this.options.arena ?? false,
      extra: { session: { intra_op: { allow_spinning: this.options.spin ? '1' : '0' } } },
    };
    const started = performance.now();
    try {
      const session =
        typeof src === 'string'
          ? await ort.InferenceSession.create(src, opts)
          : await ort.InferenceSession.create(src, opts);
      try {
        this.options.validate?.(modelName, session);
      } catch (e) {
        await session.release();
        throw e;
      }
      log.debug({ model: modelName, ms: Math.round(performance.now() - started) }, 'model session created');
      return new OnnxSession(modelName, session);
    } catch (e) {
      if (e instanceof FacegateError) throw e;
      throw new FacegateError('MODEL_LOAD_FAILED', `model ${modelName} could not be loaded: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const p of all) {
      const s = await p.catch(() => undefined);
      await s?.release();
    }
  }
}
