// TFLite → ONNX for the shape and elementwise operators: arithmetic and comparisons, CAST, RESHAPE, STRIDED_SLICE
// and CONCATENATION. Rank-4 tensors are NCHW in the graph (tflite-convert.context.ts): axes of rank-4 tensors are
// mapped, and operators that change rank go through NHWC.
import { FacegateError } from '../../errors.ts';
import { float, i64, ONNX_DTYPE } from './onnx.builder.ts';
import { NCHW_AXIS, onnxType, type TfliteContext } from './tflite-convert.context.ts';
import { intData, type TfliteOperator } from './tflite.reader.ts';

const fail = (why: string): never => {
  throw new FacegateError('MODEL_CONVERSION_FAILED', why);
};

/** A two-input elementwise operator; `fused` when the options' first field is a fused activation (ADD, SUB, MUL). */
export function binary(c: TfliteContext, o: TfliteOperator, onnxOp: string, fused: boolean): string {
  const [a, b] = o.inputs as [number, number];
  const rank = c.tensor(o.outputs[0]!).shape.length;
  const y = c.g.op(onnxOp, [c.operand(a, rank), c.operand(b, rank)]);
  return fused ? c.activation(y, o.options?.int8(0) ?? 0) : y;
}

/** CAST to the output tensor's type (bool → float is 0/1; float → int truncates toward zero, as in TFLite). */
export function cast(c: TfliteContext, o: TfliteOperator): string {
  return c.g.op('Cast', [c.value(o.inputs[0]!)], { to: ONNX_DTYPE[onnxType(c.tensor(o.outputs[0]!))] });
}

export function leakyRelu(c: TfliteContext, o: TfliteOperator): string {
  const alpha = o.options?.float32(0) ?? 0;
  return c.g.op('LeakyRelu', [c.value(o.inputs[0]!)], { alpha: float(alpha) });
}

/**
 * RESHAPE in TFLite's row-major NHWC order. A rank-4 input is transposed back to NHWC first (not needed for
 * [N,1,1,C], whose NCHW form holds the same values in the same order), a rank-4 result is transposed to NCHW after.
 */
export function reshape(c: TfliteContext, o: TfliteOperator): string {
  const xi = o.inputs[0]!;
  const x = c.tensor(xi);
  const out = c.tensor(o.outputs[0]!);
  const shape = o.inputs[1] !== undefined && o.inputs[1] >= 0 ? intData(c.tensor(o.inputs[1])) : out.shape;
  if (shape.includes(0)) fail(`reshape to [${shape}] (a zero dimension) is not supported`);
  const flatInput = x.shape.length === 4 && x.shape[1] === 1 && x.shape[2] === 1;
  const from = x.shape.length === 4 && !flatInput ? c.nhwc(xi) : c.value(xi);
  const target = c.reshapeTarget(shape, x.shape[0]!);
  if (out.shape.length === 4 && flatInput && out.shape[1] === 1 && out.shape[2] === 1) {
    // [N,1,1,C] → [N,1,1,C'] stays in NCHW: [N,C,1,1] → [N,C',1,1].
    const t = [target[0]!, target[3]!, 1, 1];
    return c.g.op('Reshape', [from, c.g.constant('shape', i64(t), [4])]);
  }
  const y = c.g.op('Reshape', [from, c.g.constant('shape', i64(target), [target.length])]);
  return out.shape.length === 4 ? c.nchw(y) : y;
}

const BIG = Number.MAX_SAFE_INTEGER;

/**
 * STRIDED_SLICE with constant begin/end/strides. StridedSliceOptions: begin_mask, end_mask, ellipsis_mask,
 * new_axis_mask, shrink_axis_mask, offset. Masks take the whole axis (from its first or last element, by the
 * stride's sign); a shrunk axis takes the one element at begin and is removed.
 */
export function stridedSlice(c: TfliteContext, o: TfliteOperator): string {
  const [xi, bi, ei, si] = o.inputs as [number, number, number, number];
  const x = c.tensor(xi);
  const begin = intData(c.tensor(bi));
  const end = intData(c.tensor(ei));
  const strides = intData(c.tensor(si));
  const opt = o.options;
  const field = (f: number): number => opt?.int32(f) ?? 0;
  const [beginMask, endMask, ellipsis, newAxis, shrink] = [field(0), field(1), field(2), field(3), field(4)];
  if (ellipsis || newAxis || opt?.uint8(5)) fail('STRIDED_SLICE with ellipsis, new axes or offset is not supported');
  const rank = x.shape.length;
  if (begin.length !== rank) fail(`STRIDED_SLICE over ${begin.length} of ${rank} axes is not supported`);
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  for (let k = 0; k < rank; k++) {
    const step = strides[k]!;
    if (step === 0) fail('STRIDED_SLICE with a zero stride');
    if (shrink & (1 << k)) {
      const b = begin[k]! < 0 ? begin[k]! + x.shape[k]! : begin[k]!;
      starts.push(b);
      ends.push(b + 1);
      steps.push(1);
      continue;
    }
    starts.push(beginMask & (1 << k) ? (step > 0 ? 0 : BIG) : begin[k]!);
    ends.push(endMask & (1 << k) ? (step > 0 ? BIG : -BIG) : end[k]!);
    steps.push(step);
  }
  if (c.dynamicBatch && (starts[0] !== 0 || ends[0]! < x.shape[0]! || steps[0] !== 1))
    fail('STRIDED_SLICE over the batch axis with a dynamic batch');
  // A rank-4 input keeps NCHW unless an axis is removed: then the slice runs in NHWC and the result keeps TFLite's
  // shape (its rank is below 4).
  const nchw = rank === 4 && shrink === 0;
  const axes = nchw ? NCHW_AXIS.slice() : [...Array(rank).keys()];
  const from = rank === 4 && !nchw ? c.nhwc(xi) : c.value(xi);
  const k = (v: number[]) => c.g.constant('slice', i64(v), [v.length]);
  let y = c.g.op('Slice', [from, k(starts), k(ends), k(axes), k(steps)]);
  if (shrink) {
    const removed = [...Array(rank).keys()].filter((a) => shrink & (1 << a));
    y = c.g.op('Squeeze', [y, k(removed)]);
  }
  return y;
}

/** CONCATENATION of activations. ConcatenationOptions: axis, fused activation. */
export function concatenation(c: TfliteContext, o: TfliteOperator): string {
  const out = c.tensor(o.outputs[0]!);
  const rank = out.shape.length;
  let axis = o.options?.int32(0) ?? 0;
  if (axis < 0) axis += rank;
  const inputs = o.inputs.map((i) => c.value(i));
  const y = c.g.op('Concat', inputs, { axis: rank === 4 ? NCHW_AXIS[axis]! : axis });
  return c.activation(y, o.options?.int8(1) ?? 0);
}
