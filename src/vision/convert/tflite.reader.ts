// A reader for TensorFlow Lite model files (FlatBuffers, schema tensorflow/lite/schema/schema.fbs). It decodes
// just what a converter needs: tensors (shape, type, constant data), operators (builtin code, inputs, outputs,
// options as raw field accessors) and the subgraph's inputs/outputs. Field numbers follow the schema's order.
import { FacegateError } from '../../errors.ts';

/** TFLite TensorType codes. */
export const TFLITE_TYPE = { FLOAT32: 0, FLOAT16: 1, INT32: 2, UINT8: 3, INT64: 4, BOOL: 6, INT8: 9 } as const;

/** The BuiltinOperator codes this project converts (schema.fbs numbering). */
export const TFLITE_OP = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  L2_NORMALIZATION: 11,
  LOGISTIC: 14,
  MAX_POOL_2D: 17,
  MUL: 18,
  RELU: 19,
  RELU6: 21,
  RESHAPE: 22,
  SOFTMAX: 25,
  PAD: 34,
  MEAN: 40,
  SUB: 41,
  SQUEEZE: 43,
  STRIDED_SLICE: 45,
  CAST: 53,
  PRELU: 54,
  LESS: 58,
  GREATER_EQUAL: 62,
  LEAKY_RELU: 98,
  ABS: 101,
} as const;

/** A FlatBuffers table: typed access to its fields by index. */
export class FbTable {
  constructor(
    private readonly view: DataView,
    readonly pos: number,
  ) {}

  private fieldOffset(field: number): number {
    const vtable = this.pos - this.view.getInt32(this.pos, true);
    const vtableSize = this.view.getUint16(vtable, true);
    const at = 4 + 2 * field;
    return at < vtableSize ? this.view.getUint16(vtable + at, true) : 0;
  }

  has(field: number): boolean {
    return this.fieldOffset(field) !== 0;
  }

  int8(field: number, dflt = 0): number {
    const o = this.fieldOffset(field);
    return o ? this.view.getInt8(this.pos + o) : dflt;
  }

  uint8(field: number, dflt = 0): number {
    const o = this.fieldOffset(field);
    return o ? this.view.getUint8(this.pos + o) : dflt;
  }

  int32(field: number, dflt = 0): number {
    const o = this.fieldOffset(field);
    return o ? this.view.getInt32(this.pos + o, true) : dflt;
  }

  uint32(field: number, dflt = 0): number {
    const o = this.fieldOffset(field);
    return o ? this.view.getUint32(this.pos + o, true) : dflt;
  }

  float32(field: number, dflt = 0): number {
    const o = this.fieldOffset(field);
    return o ? this.view.getFloat32(this.pos + o, true) : dflt;
  }

  private target(field: number): number | undefined {
    const o = this.fieldOffset(field);
    if (!o) return undefined;
    const p = this.pos + o;
    return p + this.view.getUint32(p, true);
  }

  table(field: number): FbTable | undefined {
    const t = this.target(field);
    return t === undefined ? undefined : new FbTable(this.view, t);
  }

  string(field: number): string | undefined {
    const t = this.target(field);
    if (t === undefined) return undefined;
    const len = this.view.getUint32(t, true);
    return new TextDecoder().decode(new Uint8Array(this.view.buffer, this.view.byteOffset + t + 4, len));
  }

  int32s(field: number): number[] {
    const t = this.target(field);
    if (t === undefined) return [];
    const len = this.view.getUint32(t, true);
    return Array.from({ length: len }, (_, i) => this.view.getInt32(t + 4 + 4 * i, true));
  }

  bytes(field: number): Uint8Array | undefined {
    const t = this.target(field);
    if (t === undefined) return undefined;
    const len = this.view.getUint32(t, true);
    return new Uint8Array(this.view.buffer, this.view.byteOffset + t + 4, len);
  }

  tables(field: number): FbTable[] {
    const t = this.target(field);
    if (t === undefined) return [];
    const len = this.view.getUint32(t, true);
    return Array.from({ length: len }, (_, i) => {
      const p = t + 4 + 4 * i;
      return new FbTable(this.view, p + this.view.getUint32(p, true));
    });
  }
}

export interface TfliteTensor {
  index: number;
  name: string;
  shape: number[];
  type: number;
  /** Constant contents (weights), when the tensor has a non-empty buffer. */
  data: Uint8Array | undefined;
}

export interface TfliteOperator {
  /** BuiltinOperator code (see TFLITE_OP). */
  op: number;
  inputs: number[];
  outputs: number[];
  /** The builtin options table, read by the converter per operator type. */
  options: FbTable | undefined;
}

export interface TfliteModel {
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
}

export function readTflite(file: Uint8Array): TfliteModel {
  if (file.length < 8 || new TextDecoder().decode(file.subarray(4, 8)) !== 'TFL3') {
    throw new FacegateError('MODEL_CONVERSION_FAILED', 'not a TFLite model (no TFL3 identifier)');
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const model = new FbTable(view, view.getUint32(0, true));
  const codes = model.tables(1).map((c) => Math.max(c.int8(0), c.int32(3)));
  const buffers = model.tables(4).map((b) => b.bytes(0));
  const subgraphs = model.tables(2);
  const g = subgraphs[0];
  if (!g || subgraphs.length !== 1) {
    throw new FacegateError('MODEL_CONVERSION_FAILED', `TFLite model has ${subgraphs.length} subgraphs; 1 supported`);
  }
  const tensors = g.tables(0).map((t, index): TfliteTensor => {
    const buf = buffers[t.uint32(2)];
    return {
      index,
      name: t.string(3) ?? `t${index}`,
      shape: t.int32s(0),
      type: t.int8(1),
      data: buf && buf.length > 0 ? buf : undefined,
    };
  });
  const operators = g.tables(3).map((o): TfliteOperator => {
    const code = codes[o.uint32(0)];
    if (code === undefined) throw new FacegateError('MODEL_CONVERSION_FAILED', 'TFLite operator with no opcode');
    return { op: code, inputs: o.int32s(1), outputs: o.int32s(2), options: o.table(4) };
  });
  return { tensors, operators, inputs: g.int32s(1), outputs: g.int32s(2) };
}

/** A constant float32 tensor's values (copied, so alignment of the file buffer does not matter). */
export function floatData(t: TfliteTensor): Float32Array {
  if (!t.data || t.type !== TFLITE_TYPE.FLOAT32) {
    throw new FacegateError('MODEL_CONVERSION_FAILED', `TFLite tensor ${t.name} is not a constant float32 tensor`);
  }
  const copy = new Uint8Array(t.data);
  return new Float32Array(copy.buffer, 0, copy.length / 4);
}

/** A constant float16 tensor's raw IEEE half-precision bit patterns (decoding is left to the user). */
export function halfBits(t: TfliteTensor): Uint16Array {
  if (!t.data || t.type !== TFLITE_TYPE.FLOAT16) {
    throw new FacegateError('MODEL_CONVERSION_FAILED', `TFLite tensor ${t.name} is not a constant float16 tensor`);
  }
  const copy = new Uint8Array(t.data);
  return new Uint16Array(copy.buffer, 0, copy.length / 2);
}

/** A constant int32 tensor's values. */
export function intData(t: TfliteTensor): number[] {
  if (!t.data || t.type !== TFLITE_TYPE.INT32) {
    throw new FacegateError('MODEL_CONVERSION_FAILED', `TFLite tensor ${t.name} is not a constant int32 tensor`);
  }
  const copy = new Uint8Array(t.data);
  return Array.from(new Int32Array(copy.buffer, 0, copy.length / 4));
}
