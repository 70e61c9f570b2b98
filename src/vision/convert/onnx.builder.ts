// A graph-builder over a hand-written ONNX ModelProto encoder. Converters (TFJS graph, TFLite, face-api weights)
// describe a graph with OnnxGraph and get the serialized model bytes that ONNX Runtime loads.
// Field numbers follow onnx/onnx.proto (proto2; repeated scalars written unpacked, which every parser accepts).
import { FacegateError } from '../../errors.ts';
import { ProtoWriter } from './protobuf.writer.ts';

export type OnnxDType = 'float32' | 'uint8' | 'int8' | 'int32' | 'int64' | 'bool' | 'float16' | 'float64';

/** TensorProto.DataType codes. */
export const ONNX_DTYPE: Record<OnnxDType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};

/** A dimension: a fixed size, or a symbolic name (batch 'N') for dynamic sizes. */
export type Dim = number | string;

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

export interface TensorValue {
  dtype: OnnxDType;
  dims: readonly number[];
  data: TensorData;
}

/** Forces a float attribute where the value happens to be integral (e.g. `alpha: float(1)`). */
export class FloatAttr {
  constructor(readonly value: number) {}
}
export class FloatsAttr {
  constructor(readonly values: readonly number[]) {}
}
export const float = (v: number): FloatAttr => new FloatAttr(v);
export const floats = (v: readonly number[]): FloatsAttr => new FloatsAttr(v);

/**
 * Attribute values. A plain number is an INT when integral and a FLOAT otherwise; use float()/floats() to force
 * floats. number[] is INTS, string is STRING, a TensorValue is TENSOR.
 */
export type AttrValue = number | readonly number[] | string | FloatAttr | FloatsAttr | TensorValue;

interface NodeDef {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attrs: Record<string, AttrValue>;
  domain: string;
}

interface ValueInfo {
  name: string;
  dtype: OnnxDType;
  shape: readonly Dim[] | undefined;
}

/** ONNX IR version that goes with an opset (onnx/docs/Versioning.md). */
function irVersionFor(opset: number): number {
  if (opset <= 15) return 8;
  if (opset <= 20) return 9;
  return 10;
}

function writeTensor(w: ProtoWriter, name: string, t: TensorValue): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, ONNX_DTYPE[t.dtype]);
  w.string(8, name);
  // raw_data is little-endian bytes, which is what typed arrays hold on every platform Node supports.
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function writeAttr(w: ProtoWriter, name: string, v: AttrValue): void {
  w.string(1, name);
  if (v instanceof FloatAttr) {
    w.float(2, v.value).int(20, 1);
  } else if (v instanceof FloatsAttr) {
    for (const x of v.values) w.float(7, x);
    w.int(20, 6);
  } else if (typeof v === 'number') {
    if (Number.isInteger(v)) w.int(3, v).int(20, 2);
    else w.float(2, v).int(20, 1);
  } else if (typeof v === 'string') {
    w.string(4, v).int(20, 3);
  } else if (Array.isArray(v)) {
    for (const x of v as readonly number[]) w.int(8, x);
    w.int(20, 7);
  } else {
    w.message(5, (t) => writeTensor(t, '', v as TensorValue)).int(20, 4);
  }
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ONNX_DTYPE[v.dtype]);
      if (v.shape)
        tensor.message(2, (shape) => {
          for (const d of v.shape!)
            shape.message(1, (dim) => (typeof d === 'number' && d >= 0 ? dim.int(1, d) : dim.string(2, String(d))));
        });
    }),
  );
}

export class OnnxGraph {
  private readonly nodes: NodeDef[] = [];
  private readonly inits = new Map<string, TensorValue>();
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(readonly name = 'facegate') {}

  /** A fresh tensor name with the given prefix, unique in this graph. */
  unique(prefix: string): string {
    let n = `${prefix}__${this.counter++}`;
    while (this.names.has(n)) n = `${prefix}__${this.counter++}`;
    this.names.add(n);
    return n;
  }

  /** Negative or string dims are symbolic (dynamic). */
  input(name: string, dtype: OnnxDType, shape?: readonly Dim[]): string {
    this.names.add(name);
    this.inputs.push({ name, dtype, shape });
    return name;
  }

  output(name: string, dtype: OnnxDType = 'float32', shape?: readonly Dim[]): void {
    this.outputs.push({ name, dtype, shape });
  }

  hasInitializer(name: string): boolean {
    return this.inits.has(name);
  }

  getInitializer(name: string): TensorValue | undefined {
    return this.inits.get(name);
  }

  initializer(name: string, data: TensorData, dims: readonly number[], dtype?: OnnxDType): string {
    const t: TensorValue = { data, dims, dtype: dtype ?? dtypeOf(data) };
    const expected = dims.reduce((a, b) => a * b, 1);
    if (t.dtype !== 'bool' && t.dtype !== 'float16' && data.length !== expected)
      throw new FacegateError(
        'MODEL_CONVERSION_FAILED',
        `initializer ${name}: ${data.length} values for dims [${dims.join(',')}]`,
      );
    this.names.add(name);
    this.inits.set(name, t);
    return name;
  }

  /** Convenience: a named constant initializer with a generated unique name. */
  constant(prefix: string, data: TensorData, dims: readonly number[], dtype?: OnnxDType): string {
    return this.initializer(this.unique(prefix), data, dims, dtype);
  }

  /** Adds a node; returns its first output name for chaining. */
  node(
    op: string,
    inputs: readonly string[],
    outputs: readonly string[] | number = 1,
    attrs: Record<string, AttrValue> = {},
    domain = '',
  ): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.unique(op)) : outputs;
    for (const o of outs) this.names.add(o);
    this.nodes.push({ op, inputs, outputs: outs, attrs, name: this.unique(`${op}_node`), domain });
    return [...outs];
  }

  /** Single-output shorthand: `const y = g.op('Relu', [x])`. */
  op(op: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    return this.node(op, inputs, output ? [output] : 1, attrs)[0]!;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Serializes to ONNX ModelProto bytes. */
  toModel(opts: { opset?: number; producer?: string; producerVersion?: string; docString?: string } = {}): Uint8Array {
    const opset = opts.opset ?? 17;
    const w = new ProtoWriter();
    w.int(1, irVersionFor(opset));
    w.string(2, opts.producer ?? 'facegate');
    w.string(3, opts.producerVersion ?? '1');
    if (opts.docString) w.string(6, opts.docString);
    w.message(7, (g) => {
      for (const n of this.nodes)
        g.message(1, (nw) => {
          for (const i of n.inputs) nw.string(1, i);
          for (const o of n.outputs) nw.string(2, o);
          nw.string(3, n.name).string(4, n.op);
          for (const [k, v] of Object.entries(n.attrs)) nw.message(5, (a) => writeAttr(a, k, v));
          if (n.domain) nw.string(7, n.domain);
        });
      g.string(2, this.name);
      for (const [name, t] of this.inits) g.message(5, (tw) => writeTensor(tw, name, t));
      for (const v of this.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
      for (const v of this.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
    });
    w.message(8, (o) => o.string(1, '').int(2, opset));
    return w.finish();
  }
}

export function dtypeOf(data: TensorData): OnnxDType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int8Array) return 'int8';
  return 'uint8';
}

/** int64 initializer data from plain numbers (shapes, axes, pads). */
export const i64 = (values: readonly number[]): BigInt64Array => BigInt64Array.from(values.map((v) => BigInt(v)));
