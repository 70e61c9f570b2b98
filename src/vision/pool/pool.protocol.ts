// The messages between the engine pool (main thread) and its workers, and errors across the thread boundary:
// a FacegateError keeps its code, message and details; anything else arrives as INTERNAL with the worker's message.
import type { Config } from '../../config/config.schema.ts';
import { ERRORS, FacegateError, type ErrorCode } from '../../errors.ts';
import type { AnalyzeOptions } from '../vision.types.ts';

export interface WorkerInit {
  entry: string;
  config: Config;
  /** Intra-op threads of this worker's ONNX Runtime sessions. */
  threads: number;
  index: number;
  /** The pool's logger level, so that a silent pool (tests, the CLI) has silent workers. */
  logLevel: string;
}

export type PoolRequest =
  | { id: number; kind: 'ready' }
  | { id: number; kind: 'analyze'; bytes: Uint8Array; options: AnalyzeOptions }
  | {
      id: number;
      kind: 'labels';
      bytes: Uint8Array;
      options: { minConfidence?: number; maxLabels?: number; source?: 'inline' | 'object' };
    }
  | {
      id: number;
      kind: 'moderation';
      bytes: Uint8Array;
      options: { minConfidence?: number; source?: 'inline' | 'object' };
    }
  | { id: number; kind: 'close' };

/** A request before the pool numbers it (Omit applied to each member of the union). */
export type PoolCall = DistributiveOmit<PoolRequest>;
type DistributiveOmit<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface WireError {
  code?: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Model runs of one call: [model name, seconds], for the inference metrics kept on the main thread. */
export type Timings = [string, number][];

export type PoolReply =
  | { id: number; ok: true; value: unknown; timings: Timings }
  | { id: number; ok: false; error: WireError; timings: Timings };

export function toWire(e: unknown): WireError {
  if (e instanceof FacegateError)
    return { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
  return { message: e instanceof Error ? e.message : String(e) };
}

export function fromWire(w: WireError): FacegateError {
  if (w.code && w.code in ERRORS) {
    return new FacegateError(w.code as ErrorCode, w.message, w.details ? { details: w.details } : undefined);
  }
  return new FacegateError('INTERNAL', undefined, { cause: new Error(`analysis worker: ${w.message}`) });
}
