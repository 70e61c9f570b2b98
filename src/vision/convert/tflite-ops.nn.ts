// TFLite → ONNX for the layers with weights or windows: CONV_2D, DEPTHWISE_CONV_2D, MAX_POOL_2D, AVERAGE_POOL_2D and
// FULLY_CONNECTED. Rank-4 activations are NCHW here (tflite-convert.context.ts); weights are reordered to ONNX's
// layouts at conversion time, float16 ones as raw bit patterns (a permutation does not need their values).
import { FacegateError } from '../../errors.ts';
import { i64 } from './onnx.builder.ts';
import { permuted, type TfliteContext } from './tflite-convert.context.ts';
import type { TfliteOperator } from './tflite.reader.ts';

function options(o: TfliteOperator, what: string) {
  if (!o.options) throw new FacegateError('MODEL_CONVERSION_FAILED', `${what} without options`);
  return o.options;
}

export function conv(c: TfliteContext, o: TfliteOperator, depthwise: boolean): string {
  const [xi, wi, bi] = o.inputs as [number, number, number?];
  const x = c.tensor(xi);
  const opt = options(o, 'conv');
  const same = opt.int8(0) === 0;
  const stride: [number, number] = [opt.int32(2, 1), opt.int32(1, 1)];
  const dil: [number, number] = depthwise ? [opt.int32(6, 1), opt.int32(5, 1)] : [opt.int32(5, 1), opt.int32(4, 1)];
  const act = depthwise ? opt.int8(4) : opt.int8(3);
  const w = c.requireConst(wi, 'conv weights');
  // conv: [O,H,W,I] → [O,I,H,W]; depthwise: [1,H,W,C·m] → [C·m,1,H,W].
  const [d0, kh, kw, d3] = w.shape as [number, number, number, number];
  const outC = depthwise ? d3 : d0;
  const inPer = depthwise ? 1 : d3;
  const onnxW = depthwise ? permuted(w.data, w.shape, [3, 0, 1, 2]) : permuted(w.data, w.shape, [0, 3, 1, 2]);
  const inputs = [c.value(xi), c.emitConst(w, onnxW, [outC, inPer, kh, kw])];
  if (bi !== undefined && bi >= 0) {
    const b = c.requireConst(bi, 'conv bias');
    inputs.push(c.emitConst(b, b.data, [outC]));
  }
  const [, inH, inW, inC] = x.shape as [number, number, number, number];
  const y = c.g.op('Conv', inputs, {
    kernel_shape: [kh, kw],
    strides: stride,
    dilations: dil,
    pads: c.pads(inH, inW, [(kh - 1) * dil[0] + 1, (kw - 1) * dil[1] + 1], stride, same),
    group: depthwise ? inC : 1,
  });
  return c.activation(y, act);
}

/** Pool2DOptions: padding, stride_w, stride_h, filter_width, filter_height, fused activation. */
export function pool(c: TfliteContext, o: TfliteOperator, max: boolean): string {
  const opt = options(o, 'pool');
  const x = c.tensor(o.inputs[0]!);
  const k: [number, number] = [opt.int32(4, 1), opt.int32(3, 1)];
  const s: [number, number] = [opt.int32(2, 1), opt.int32(1, 1)];
  const [, inH, inW] = x.shape as [number, number, number, number];
  const attrs = { kernel_shape: k, strides: s, pads: c.pads(inH, inW, k, s, opt.int8(0) === 0) };
  // TF averages over the window's valid cells only, as ONNX does with count_include_pad = 0.
  const y = max
    ? c.g.op('MaxPool', [c.value(o.inputs[0]!)], attrs)
    : c.g.op('AveragePool', [c.value(o.inputs[0]!)], { ...attrs, count_include_pad: 0 });
  return c.activation(y, opt.int8(5));
}

/**
 * FULLY_CONNECTED: y = x·Wᵀ + b over x flattened to [-1, in] in NHWC order (a rank-4 input is transposed back
 * first unless its H and W are 1, where NCHW holds the same order). FullyConnectedOptions: fused activation,
 * weights_format (only DEFAULT), keep_num_dims.
 */
export function fullyConnected(c: TfliteContext, o: TfliteOperator): string {
  const [xi, wi, bi] = o.inputs as [number, number, number?];
  const opt = o.options;
  if (opt && opt.int8(1) !== 0)
    throw new FacegateError('MODEL_CONVERSION_FAILED', 'FULLY_CONNECTED with shuffled weights is not supported');
  const x = c.tensor(xi);
  if (opt?.int8(2) && x.shape.length > 2)
    throw new FacegateError('MODEL_CONVERSION_FAILED', 'FULLY_CONNECTED with keep_num_dims is not supported');
  const w = c.requireConst(wi, 'FULLY_CONNECTED weights');
  const [units, inF] = w.shape as [number, number];
  let v = x.shape.length === 4 && (x.shape[1] !== 1 || x.shape[2] !== 1) ? c.nhwc(xi) : c.value(xi);
  if (x.shape.length !== 2 || x.shape[1] !== inF)
    v = c.g.op('Reshape', [v, c.g.constant('fc_shape', i64([-1, inF]), [2])]);
  const inputs = [v, c.emitConst(w, w.data, [units, inF])];
  if (bi !== undefined && bi >= 0) {
    const b = c.requireConst(bi, 'FULLY_CONNECTED bias');
    inputs.push(c.emitConst(b, b.data, [units]));
  }
  return c.activation(c.g.op('Gemm', inputs, { transB: 1 }), opt?.int8(0) ?? 0);
}
