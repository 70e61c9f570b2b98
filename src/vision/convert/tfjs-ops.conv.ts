// TF convolution, pooling, matmul, pad and resize ops → ONNX. TF keeps NHWC; ONNX convs and pools want NCHW, so
// each is wrapped in a Transpose pair; ONNX Runtime's transpose optimizer cancels the pairs between layers.
import { FacegateError } from '../../errors.ts';
import type { AttrValue } from './onnx.builder.ts';
import { Attrs, type ConvertContext } from './tfjs-convert.context.ts';
import type { TfNode } from './tfjs-model.reader.ts';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

export type OpMapper = (node: TfNode, ctx: ConvertContext, a: Attrs) => void;

function fail(node: TfNode, why: string): never {
  throw new FacegateError('MODEL_CONVERSION_FAILED', `${node.op} ${node.name}: ${why}`);
}

/** TF SAME pads the extra pixel at the end, which is ONNX SAME_UPPER. */
function padding(node: TfNode, a: Attrs): Record<string, AttrValue> {
  if (a.str('data_format', 'NHWC') !== 'NHWC') fail(node, `data_format ${a.str('data_format')} is not supported`);
  const p = a.str('padding');
  if (p === 'SAME') return { auto_pad: 'SAME_UPPER' };
  if (p === 'VALID') return { pads: [0, 0, 0, 0] };
  if (p === 'EXPLICIT') {
    const e = a.ints('explicit_paddings');
    return { pads: [e[2]!, e[4]!, e[3]!, e[5]!] };
  }
  return fail(node, `padding ${p} is not supported`);
}

/** Applies one activation in NHWC; `extra` holds the fused op's additional args (PRelu alpha). */
export function activation(ctx: ConvertContext, node: TfNode, x: string, kind: string, extra: string[]): string {
  const g = ctx.g;
  switch (kind) {
    case 'Relu':
      return g.op('Relu', [x]);
    case 'Relu6':
      return g.op('Clip', [x, ctx.floatConst([0], []), ctx.floatConst([6], [])]);
    case 'Elu':
      return g.op('Elu', [x]);
    case 'Sigmoid':
      return g.op('Sigmoid', [x]);
    case 'Tanh':
      return g.op('Tanh', [x]);
    case 'LeakyRelu':
      return g.op('LeakyRelu', [x], { alpha: new Attrs(node).float('leakyrelu_alpha', 0.2) });
    case 'Prelu': {
      const alpha = extra.shift();
      if (!alpha) return fail(node, 'Prelu without alpha');
      return g.op('PRelu', [x, alpha]);
    }
    default:
      return fail(node, `fused activation ${kind} is not supported`);
  }
}

/** Conv2D / DepthwiseConv2dNative and their fused forms (BiasAdd + optional activation). */
function conv(depthwise: boolean): OpMapper {
  return (node, ctx, a) => {
    const g = ctx.g;
    const [xRef, wRef, ...args] = node.input.filter((i) => !i.startsWith('^'));
    const w = wRef === undefined ? undefined : ctx.constOf(wRef);
    if (!xRef || !w || w.dtype !== 'float32') return fail(node, 'filter must be a float constant');
    const [kh, kw, cin, cout] = w.shape as [number, number, number, number];
    const src = w.data as Float32Array;
    // TF filters are HWIO (depthwise: H W C M); ONNX wants OIHW (depthwise: C·M × 1 × H × W, group C).
    const outCh = depthwise ? cin * cout : cout;
    const inPerGroup = depthwise ? 1 : cin;
    const k = new Float32Array(outCh * inPerGroup * kh * kw);
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < cin; i++)
          for (let o = 0; o < cout; o++) {
            const v = src[((y * kw + x) * cin + i) * cout + o]!;
            const oc = depthwise ? i * cout + o : o;
            const ic = depthwise ? 0 : i;
            k[((oc * inPerGroup + ic) * kh + y) * kw + x] = v;
          }
    const kernel = g.constant(`${node.name}/kernel`, k, [outCh, inPerGroup, kh, kw]);
    const strides = a.ints('strides', [1, 1, 1, 1]);
    const dil = a.ints('dilations', [1, 1, 1, 1]);
    const fused = a.strs('fused_ops');
    const extra = args.map((r) => ctx.tensor(r));
    const inputs = [g.op('Transpose', [ctx.tensor(xRef)], { perm: TO_NCHW }), kernel];
    let rest = fused;
    if (fused[0] === 'BiasAdd') {
      inputs.push(extra.shift()!);
      rest = fused.slice(1);
    } else if (fused.length > 0) return fail(node, `fused ops ${fused.join('+')} are not supported`);
    const y = g.op('Conv', inputs, {
      kernel_shape: [kh, kw],
      strides: [strides[1]!, strides[2]!],
      dilations: [dil[1]!, dil[2]!],
      group: depthwise ? cin : 1,
      ...padding(node, a),
    });
    let out = g.op('Transpose', [y], { perm: TO_NHWC });
    for (const act of rest) out = activation(ctx, node, out, act, extra);
    g.op('Identity', [out], {}, node.name);
    ctx.types.set(node.name, 'float32');
  };
}

function pool(onnxOp: 'MaxPool' | 'AveragePool'): OpMapper {
  return (node, ctx, a) => {
    const g = ctx.g;
    const ksize = a.ints('ksize');
    const strides = a.ints('strides');
    const x = g.op('Transpose', [ctx.tensor(node.input[0]!)], { perm: TO_NCHW });
    // TF's average pool divides by the number of real (unpadded) pixels: count_include_pad stays 0.
    const y = g.op(onnxOp, [x], {
      kernel_shape: [ksize[1]!, ksize[2]!],
      strides: [strides[1]!, strides[2]!],
      ...padding(node, a),
    });
    g.op('Transpose', [y], { perm: TO_NHWC }, node.name);
    ctx.types.set(node.name, 'float32');
  };
}

/** MatMul / _FusedMatMul (BiasAdd + optional activation), with TF's transpose_a/b. */
const matmul: OpMapper = (node, ctx, a) => {
  const g = ctx.g;
  const [aRef, bRef, ...args] = node.input;
  let x = ctx.tensor(aRef!);
  let w = ctx.tensor(bRef!);
  if (a.bool('transpose_a')) x = g.op('Transpose', [x], { perm: [1, 0] });
  if (a.bool('transpose_b')) w = g.op('Transpose', [w], { perm: [1, 0] });
  let out = g.op('MatMul', [x, w]);
  const extra = args.map((r) => ctx.tensor(r));
  const fused = a.strs('fused_ops');
  let rest = fused;
  if (fused[0] === 'BiasAdd') {
    out = g.op('Add', [out, extra.shift()!]);
    rest = fused.slice(1);
  }
  for (const act of rest) out = activation(ctx, node, out, act, extra);
  g.op('Identity', [out], {}, node.name);
  ctx.types.set(node.name, 'float32');
};

/** Pad / PadV2 / MirrorPad with constant paddings [[before, after], …] → ONNX pads [b0…bn, a0…an]. */
const pad: OpMapper = (node, ctx, a) => {
  const p = ctx.constInts(node, 1);
  const rank = p.length / 2;
  const pads = [
    ...Array.from({ length: rank }, (_, i) => p[2 * i]!),
    ...Array.from({ length: rank }, (_, i) => p[2 * i + 1]!),
  ];
  const inputs = [ctx.tensor(node.input[0]!), ctx.int64Const(pads)];
  const attrs: Record<string, AttrValue> = {};
  if (node.op === 'PadV2') inputs.push(ctx.tensor(node.input[2]!));
  if (node.op === 'MirrorPad') attrs.mode = a.str('mode') === 'REFLECT' ? 'reflect' : fail(node, 'SYMMETRIC mode');
  ctx.g.op('Pad', inputs, attrs, node.name);
  ctx.types.set(node.name, ctx.typeOf(node.input[0]!));
};

/**
 * ResizeBilinear / ResizeNearestNeighbor. The output size is given as full 4-D `sizes` built from the input's own
 * batch and channel dims: ONNX Runtime's shape inference rejected the `axes` attribute form (see MODELS.md).
 */
function resize(mode: 'linear' | 'nearest'): OpMapper {
  return (node, ctx, a) => {
    const g = ctx.g;
    const x = g.op('Transpose', [ctx.tensor(node.input[0]!)], { perm: TO_NCHW });
    const shape = g.op('Shape', [x]);
    const nc = g.op('Slice', [shape, ctx.int64Const([0]), ctx.int64Const([2])]);
    const sizeRef = node.input[1]!;
    const c = ctx.constOf(sizeRef);
    const hw = c ? ctx.int64Const(Array.from(c.data, Number)) : g.op('Cast', [ctx.tensor(sizeRef)], { to: 7 });
    const sizes = g.op('Concat', [nc, hw], { axis: 0 });
    const ctm = a.bool('align_corners') ? 'align_corners' : a.bool('half_pixel_centers') ? 'half_pixel' : 'asymmetric';
    const attrs: Record<string, AttrValue> = { mode, coordinate_transformation_mode: ctm };
    // TF's nearest neighbour rounds half away from zero with half-pixel centres and floors otherwise.
    if (mode === 'nearest') attrs.nearest_mode = ctm === 'asymmetric' ? 'floor' : 'round_prefer_ceil';
    const y = g.op('Resize', [x, '', '', sizes], attrs);
    g.op('Transpose', [y], { perm: TO_NHWC }, node.name);
    ctx.types.set(node.name, 'float32');
  };
}

export const CONV_OPS: Record<string, OpMapper> = {
  Conv2D: conv(false),
  _FusedConv2D: conv(false),
  DepthwiseConv2dNative: conv(true),
  FusedDepthwiseConv2dNative: conv(true),
  MaxPool: pool('MaxPool'),
  AvgPool: pool('AveragePool'),
  MatMul: matmul,
  _FusedMatMul: matmul,
  Pad: pad,
  PadV2: pad,
  MirrorPad: pad,
  ResizeBilinear: resize('linear'),
  ResizeNearestNeighbor: resize('nearest'),
};
