// What every TFLite operator converter shares: the ONNX graph under construction, the map from TFLite tensors to ONNX
// values, constants (float32, or float16 behind a DEQUANTIZE) and the layout rule. The rule: a rank-4 TFLite tensor
// (NHWC) is held in ONNX as NCHW, ONNX's native layout; a tensor of any other rank keeps its TFLite shape. Operators
// that change rank (RESHAPE, FULLY_CONNECTED, a shrinking STRIDED_SLICE) go through NHWC with explicit Transposes;
// ORT's optimiser folds the ones that cancel.
import { FacegateError } from '../../errors.ts';
import { ONNX_DTYPE, OnnxGraph, type OnnxDType } from './onnx.builder.ts';
import { floatData, halfBits, TFLITE_TYPE, type TfliteModel, type TfliteTensor } from './tflite.reader.ts';

/** Fused activation codes of the schema (ActivationFunctionType). */
export const ACT = { NONE: 0, RELU: 1, RELU6: 3 } as const;

/** NHWC axis → its position in NCHW. */
export const NCHW_AXIS = [0, 2, 3, 1] as const;

/** A constant tensor's values: float32, or float16 bit patterns (converted to float32 in the graph by a Cast). */
export interface TfliteConst {
  name: string;
  shape: number[];
  data: Float32Array | Uint16Array;
  half: boolean;
}

export const ONNX_TYPE_OF: Partial<Record<number, OnnxDType>> = {
  [TFLITE_TYPE.FLOAT32]: 'float32',
  [TFLITE_TYPE.INT32]: 'int32',
  [TFLITE_TYPE.INT64]: 'int64',
  [TFLITE_TYPE.BOOL]: 'bool',
};

export function onnxType(t: TfliteTensor): OnnxDType {
  const d = ONNX_TYPE_OF[t.type];
  if (!d) throw new FacegateError('MODEL_CONVERSION_FAILED', `TFLite tensor ${t.name} has unsupported type ${t.type}`);
  return d;
}

/** Values of `data` (row-major, `shape`) with axes reordered by `perm` (output axis k = input axis perm[k]). */
export function permuted<T extends Float32Array | Uint16Array>(data: T, shape: readonly number[], perm: number[]): T {
  const out = data.slice() as T;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += idx[k]! * inStrides[perm[k]!]!;
    out[o] = data[src]!;
    for (let k = perm.length - 1; k >= 0; k--) {
      if (++idx[k]! < outShape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

export class TfliteContext {
  readonly g = new OnnxGraph('tflite');
  /** TFLite tensor index → ONNX value name (activations only; constants are materialised per use). */
  readonly values = new Map<number, string>();
  /** DEQUANTIZE outputs → the float16 constant they decode. */
  readonly dequantized = new Map<number, number>();

  constructor(
    readonly m: TfliteModel,
    readonly dynamicBatch: boolean,
  ) {}

  tensor(i: number): TfliteTensor {
    const t = this.m.tensors[i];
    if (!t) throw new FacegateError('MODEL_CONVERSION_FAILED', `TFLite tensor ${i} does not exist`);
    return t;
  }

  /** The ONNX value of an activation (a tensor an earlier operator produced). */
  value(i: number): string {
    const v = this.values.get(i);
    if (v === undefined)
      throw new FacegateError('MODEL_CONVERSION_FAILED', `TFLite tensor ${this.tensor(i).name} is not computed here`);
    return v;
  }

  /** A constant operand, looking through DEQUANTIZE; undefined when the tensor is an activation. */
  constOf(i: number): TfliteConst | undefined {
    if (this.values.has(i)) return undefined;
    const src = this.tensor(this.dequantized.get(i) ?? i);
    const shape = this.tensor(i).shape;
    if (src.type === TFLITE_TYPE.FLOAT16) return { name: src.name, shape, data: halfBits(src), half: true };
    return { name: src.name, shape, data: floatData(src), half: false };
  }

  requireConst(i: number, what: string): TfliteConst {
    const c = this.constOf(i);
    if (!c) throw new FacegateError('MODEL_CONVERSION_FAILED', `${what} must be a constant`);
    return c;
  }

  /** An initializer for a constant (reordered data, ONNX dims); float16 ones are cast to float32 in the graph. */
  emitConst(c: TfliteConst, data: Float32Array | Uint16Array, dims: readonly number[]): string {
    if (!c.half) return this.g.constant(c.name, data as Float32Array, dims);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return this.g.op('Cast', [this.g.constant(c.name, bytes, dims, 'float16')], { to: ONNX_DTYPE.float32 });
  }

  /**
   * An operand of an elementwise operator whose output has rank `peerRank`: an activation, or a constant laid out
   * to broadcast like its NHWC original (right-aligned, then NHWC → NCHW when the output is rank 4).
   */
  operand(i: number, peerRank: number): string {
    const c = this.constOf(i);
    if (!c) {
      const r = this.tensor(i).shape.length;
      if (r !== peerRank && peerRank === 4 && this.tensor(i).shape.some((d) => d !== 1))
        throw new FacegateError(
          'MODEL_CONVERSION_FAILED',
          `broadcasting a rank-${r} activation over a rank-4 one is not supported`,
        );
      return this.value(i);
    }
    if (peerRank !== 4 || c.shape.length === 0) return this.emitConst(c, c.data, c.shape);
    if (c.shape.length > 4)
      throw new FacegateError('MODEL_CONVERSION_FAILED', `constant ${c.name} has rank ${c.shape.length}`);
    const nhwc = [...new Array<number>(4 - c.shape.length).fill(1), ...c.shape];
    return this.emitConst(c, permuted(c.data, nhwc, [0, 3, 1, 2]), [nhwc[0]!, nhwc[3]!, nhwc[1]!, nhwc[2]!]);
  }

  /** A fused activation applied to x. */
  activation(x: string, code: number): string {
    if (code === ACT.NONE) return x;
    if (code === ACT.RELU) return this.g.op('Relu', [x]);
    if (code === ACT.RELU6)
      return this.g.op('Clip', [
        x,
        this.g.constant('zero', Float32Array.of(0), []),
        this.g.constant('six', Float32Array.of(6), []),
      ]);
    throw new FacegateError('MODEL_CONVERSION_FAILED', `fused activation ${code} is not supported`);
  }

  /** TF 'SAME' padding as explicit ONNX pads (begin gets the smaller half). */
  pads(inH: number, inW: number, k: [number, number], s: [number, number], same: boolean): number[] {
    if (!same) return [0, 0, 0, 0];
    const total = (n: number, kk: number, ss: number) => Math.max(0, (Math.ceil(n / ss) - 1) * ss + kk - n);
    const th = total(inH, k[0], s[0]);
    const tw = total(inW, k[1], s[1]);
    return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
  }

  /** A rank-4 activation in its TFLite NHWC order (its ONNX value is NCHW). */
  nhwc(i: number): string {
    return this.g.op('Transpose', [this.value(i)], { perm: [0, 2, 3, 1] });
  }

  /** An NHWC value → the NCHW layout that rank-4 tensors have in this graph. */
  nchw(v: string): string {
    return this.g.op('Transpose', [v], { perm: [0, 3, 1, 2] });
  }

  /** A TFLite shape as an ONNX Reshape target: the batch becomes -1 when the batch is dynamic. */
  reshapeTarget(shape: readonly number[], batch: number): number[] {
    return this.dynamicBatch && shape[0] === batch ? [-1, ...shape.slice(1)] : [...shape];
  }
}
