// The InferenceRuntime port: the only way vision code runs a model. The ONNX Runtime driver implements it;
// unit tests may pass a fake. Tensors are dense float32 (or int32/int64 where a model needs it), row-major.

export interface Tensor {
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
  dims: readonly number[];
}

export interface InferenceSession {
  readonly name: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}

export interface InferenceRuntime {
  /** Loads (once, then cached) a converted model by its catalogue name, e.g. 'blazeface'. */
  session(modelName: string): Promise<InferenceSession>;
  close(): Promise<void>;
}
