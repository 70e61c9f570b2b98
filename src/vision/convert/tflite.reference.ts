// A direct TFLite interpreter for the operators tflite.converter.ts handles, written independently of it (NHWC,
// the file's own layout, plain loops in tflite-reference.ops.ts): the reference a converted model is verified
// against, since no TFLite runtime ships on npm for Node. Slow (≈ 1 s for MobileFaceNet, several seconds for
// FaceAntiSpoofing) and only for verification.
import { FacegateError } from '../../errors.ts';
import {
  act,
  broadcast,
  concat,
  conv,
  fullyConnected,
  halfToFloat,
  pool,
  reshape,
  stridedSlice,
  type Arr,
} from './tflite-reference.ops.ts';
import {
  floatData,
  intData,
  readTflite,
  TFLITE_OP,
  TFLITE_TYPE,
  type TfliteModel,
  type TfliteOperator,
  type TfliteTensor,
} from './tflite.reader.ts';

export type { Arr } from './tflite-reference.ops.ts';

/** A constant tensor's values as float32 (float16 decoded here, int32 converted). */
function constant(t: TfliteTensor): Arr {
  if (t.type === TFLITE_TYPE.FLOAT16 && t.data) {
    const view = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    const data = Float32Array.from({ length: t.data.length / 2 }, (_, i) => halfToFloat(view.getUint16(2 * i, true)));
    return { data, shape: t.shape };
  }
  if (t.type === TFLITE_TYPE.INT32 && t.data) return { data: Float32Array.from(intData(t)), shape: t.shape };
  return { data: floatData(t), shape: t.shape };
}

function step(m: TfliteModel, o: TfliteOperator, get: (i: number) => Arr): Arr {
  const x = () => get(o.inputs[0]!);
  const y = () => get(o.inputs[1]!);
  const opt = o.options;
  const i8 = (f: number, d = 0) => opt?.int8(f, d) ?? d;
  const i32 = (f: number, d = 0) => opt?.int32(f, d) ?? d;
  const optional = (k: number) => (o.inputs[k] !== undefined && o.inputs[k] >= 0 ? get(o.inputs[k]) : undefined);
  const ints = (k: number) => intData(m.tensors[o.inputs[k]!]!);
  const map = (a: Arr, f: (v: number) => number): Arr => ({ shape: a.shape, data: a.data.map(f) });
  switch (o.op) {
    case TFLITE_OP.CONV_2D:
    case TFLITE_OP.DEPTHWISE_CONV_2D: {
      const depthwise = o.op === TFLITE_OP.DEPTHWISE_CONV_2D;
      const out = conv(x(), y(), optional(2), { same: i8(0) === 0, sw: i32(1, 1), sh: i32(2, 1), depthwise });
      return act(out, depthwise ? i8(4) : i8(3));
    }
    case TFLITE_OP.MAX_POOL_2D:
    case TFLITE_OP.AVERAGE_POOL_2D: {
      const spec = { same: i8(0) === 0, sw: i32(1, 1), sh: i32(2, 1), kw: i32(3, 1), kh: i32(4, 1) };
      return act(pool(x(), { ...spec, max: o.op === TFLITE_OP.MAX_POOL_2D }), i8(5));
    }
    case TFLITE_OP.FULLY_CONNECTED:
      return act(fullyConnected(x(), y(), optional(2)), i8(0));
    case TFLITE_OP.ADD:
      return act(
        broadcast(x(), y(), (p, q) => p + q),
        i8(0),
      );
    case TFLITE_OP.SUB:
      return act(
        broadcast(x(), y(), (p, q) => p - q),
        i8(0),
      );
    case TFLITE_OP.MUL:
      return act(
        broadcast(x(), y(), (p, q) => p * q),
        i8(0),
      );
    case TFLITE_OP.LESS:
      return broadcast(x(), y(), (p, q) => (p < q ? 1 : 0));
    case TFLITE_OP.GREATER_EQUAL:
      return broadcast(x(), y(), (p, q) => (p >= q ? 1 : 0));
    case TFLITE_OP.CAST: {
      const to = m.tensors[o.outputs[0]!]!.type;
      if (to === TFLITE_TYPE.BOOL) return map(x(), (v) => (v !== 0 ? 1 : 0));
      if (to === TFLITE_TYPE.INT32) return map(x(), Math.trunc);
      return x();
    }
    case TFLITE_OP.DEQUANTIZE:
      return x();
    case TFLITE_OP.RELU:
      return act(x(), 1);
    case TFLITE_OP.LEAKY_RELU: {
      const alpha = opt?.float32(0) ?? 0;
      return map(x(), (v) => (v < 0 ? alpha * v : v));
    }
    case TFLITE_OP.ABS:
      return map(x(), Math.abs);
    case TFLITE_OP.RESHAPE:
      return reshape(x(), o.inputs[1] !== undefined && o.inputs[1] >= 0 ? ints(1) : m.tensors[o.outputs[0]!]!.shape);
    case TFLITE_OP.STRIDED_SLICE:
      if (i32(2) || i32(3)) throw new FacegateError('MODEL_CONVERSION_FAILED', 'reference: ellipsis/new-axis masks');
      return stridedSlice(x(), ints(1), ints(2), ints(3), { begin: i32(0), end: i32(1), shrink: i32(4) });
    case TFLITE_OP.CONCATENATION: {
      const parts = o.inputs.map(get);
      const rank = parts[0]!.shape.length;
      const axis = i32(0);
      return act(concat(parts, axis < 0 ? axis + rank : axis), i8(1));
    }
    default:
      throw new FacegateError('MODEL_CONVERSION_FAILED', `reference: TFLite operator ${o.op} not implemented`);
  }
}

/** Runs the model on one NHWC input (the model's own fixed shape) and returns its outputs by tensor name. */
export function runTfliteReference(file: Uint8Array, input: Float32Array): Record<string, Arr> {
  const m = readTflite(file);
  const values = new Map<number, Arr>();
  const inT = m.tensors[m.inputs[0]!]!;
  if (input.length !== inT.shape.reduce((a, b) => a * b, 1)) {
    throw new FacegateError('INVALID_PARAMETER', `reference input must have shape [${inT.shape}]`);
  }
  values.set(inT.index, { data: input, shape: inT.shape });
  const get = (i: number): Arr => {
    const v = values.get(i);
    if (v) return v;
    const c = constant(m.tensors[i]!);
    values.set(i, c);
    return c;
  };
  for (const o of m.operators) values.set(o.outputs[0]!, step(m, o, get));
  return Object.fromEntries(m.outputs.map((i) => [m.tensors[i]!.name, values.get(i)!]));
}
