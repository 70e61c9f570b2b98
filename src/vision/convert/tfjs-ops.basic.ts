// TF element-wise, reduction, shape and indexing ops → ONNX (opset 17). Shapes, axes and slice bounds must be
// convert-time constants; the graphs Facegate converts have them folded already.
import { FacegateError } from '../../errors.ts';
import type { ConvertContext, TensorType } from './tfjs-convert.context.ts';
import { activation, type OpMapper } from './tfjs-ops.conv.ts';
import type { TfNode } from './tfjs-model.reader.ts';

const ONNX_TYPE_CODE: Record<TensorType, number> = { float32: 1, int32: 6, int64: 7, bool: 9 };

function fail(node: TfNode, why: string): never {
  throw new FacegateError('MODEL_CONVERSION_FAILED', `${node.op} ${node.name}: ${why}`);
}

const inputs = (node: TfNode): string[] => node.input.filter((i) => !i.startsWith('^'));

function simple(onnxOp: string, outType?: TensorType): OpMapper {
  return (node, ctx) => {
    const ins = inputs(node);
    ctx.g.op(
      onnxOp,
      ins.map((i) => ctx.tensor(i)),
      {},
      node.name,
    );
    ctx.types.set(node.name, outType ?? ctx.typeOf(ins[0]!));
  };
}

function fusedActivation(kind: string): OpMapper {
  return (node, ctx) => {
    const ins = inputs(node).map((i) => ctx.tensor(i));
    const y = activation(ctx, node, ins[0]!, kind, ins.slice(1));
    ctx.g.op('Identity', [y], {}, node.name);
    ctx.types.set(node.name, 'float32');
  };
}

const unary = (build: (ctx: ConvertContext, x: string) => string): OpMapper => {
  return (node, ctx) => {
    const y = build(ctx, ctx.tensor(inputs(node)[0]!));
    ctx.g.op('Identity', [y], {}, node.name);
    ctx.types.set(node.name, ctx.typeOf(node.input[0]!));
  };
};

/** ONNX Mod with fmod=0 takes the divisor's sign, which is TF's FloorMod; floor division follows from it exactly. */
const floorMod: OpMapper = (node, ctx) => {
  const [a, b] = inputs(node).map((i) => ctx.tensor(i)) as [string, string];
  const isFloat = ctx.typeOf(node.input[0]!) === 'float32';
  if (isFloat) {
    const q = ctx.g.op('Floor', [ctx.g.op('Div', [a, b])]);
    ctx.g.op('Sub', [a, ctx.g.op('Mul', [q, b])], {}, node.name);
  } else ctx.g.op('Mod', [a, b], { fmod: 0 }, node.name);
  ctx.types.set(node.name, ctx.typeOf(node.input[0]!));
};

const floorDiv: OpMapper = (node, ctx) => {
  const [a, b] = inputs(node).map((i) => ctx.tensor(i)) as [string, string];
  const isFloat = ctx.typeOf(node.input[0]!) === 'float32';
  if (isFloat) ctx.g.op('Floor', [ctx.g.op('Div', [a, b])], {}, node.name);
  else {
    const m = ctx.g.op('Mod', [a, b], { fmod: 0 });
    ctx.g.op('Div', [ctx.g.op('Sub', [a, m]), b], {}, node.name);
  }
  ctx.types.set(node.name, ctx.typeOf(node.input[0]!));
};

function reduce(onnxOp: string): OpMapper {
  return (node, ctx, a) => {
    const axes = ctx.constInts(node, 1);
    const keepdims = a.bool('keep_dims') ? 1 : 0;
    const x = ctx.tensor(node.input[0]!);
    // Opset 17: ReduceSum takes axes as an input, the others still as an attribute.
    if (onnxOp === 'ReduceSum') ctx.g.op(onnxOp, [x, ctx.int64Const(axes)], { keepdims }, node.name);
    else ctx.g.op(onnxOp, [x], { axes, keepdims }, node.name);
    ctx.types.set(node.name, ctx.typeOf(node.input[0]!));
  };
}

const reshape: OpMapper = (node, ctx) => {
  const ref = node.input[1]!;
  const c = ctx.constOf(ref);
  const shape = c ? ctx.int64Const(Array.from(c.data, Number)) : ctx.g.op('Cast', [ctx.tensor(ref)], { to: 7 });
  ctx.g.op('Reshape', [ctx.tensor(node.input[0]!), shape], {}, node.name);
  ctx.types.set(node.name, ctx.typeOf(node.input[0]!));
};

const squeeze: OpMapper = (node, ctx, a) => {
  const dims = a.ints('squeeze_dims', []);
  const ins = [ctx.tensor(node.input[0]!)];
  if (dims.length) ins.push(ctx.int64Const(dims));
  ctx.g.op('Squeeze', ins, {}, node.name);
  ctx.types.set(node.name, ctx.typeOf(node.input[0]!));
};

const expandDims: OpMapper = (node, ctx) => {
  const axes = ctx.constInts(node, 1);
  ctx.g.op('Unsqueeze', [ctx.tensor(node.input[0]!), ctx.int64Const(axes)], {}, node.name);
  ctx.types.set(node.name, ctx.typeOf(node.input[0]!));
};

const concat: OpMapper = (node, ctx) => {
  const ins = inputs(node);
  const axis = ctx.constInts(node, ins.length - 1)[0]!;
  ctx.g.op(
    'Concat',
    ins.slice(0, -1).map((i) => ctx.tensor(i)),
    { axis },
    node.name,
  );
  ctx.types.set(node.name, ctx.typeOf(ins[0]!));
};

const cast: OpMapper = (node, ctx, a) => {
  const to = a.type('DstT') ?? fail(node, 'unknown DstT');
  ctx.g.op('Cast', [ctx.tensor(node.input[0]!)], { to: ONNX_TYPE_CODE[to] }, node.name);
  ctx.types.set(node.name, to);
};

/** TopKV2 → TopK; TF's indices are int32, ONNX's int64. */
const topK: OpMapper = (node, ctx) => {
  const k = ctx.constInts(node, 1);
  const [values, indices] = ctx.g.node(
    'TopK',
    [ctx.tensor(node.input[0]!), ctx.int64Const(k)],
    [node.name, `${node.name}/i64`],
    {
      axis: -1,
      largest: 1,
      sorted: 1,
    },
  ) as [string, string];
  ctx.g.op('Cast', [indices], { to: 6 }, `${node.name}:1`);
  ctx.types.set(values, ctx.typeOf(node.input[0]!));
  ctx.types.set(`${node.name}:1`, 'int32');
};

const gather: OpMapper = (node, ctx, a) => {
  if (a.int('batch_dims', 0) !== 0) fail(node, 'batch_dims is not supported');
  const axis = ctx.constInts(node, 2)[0]!;
  ctx.g.op('Gather', [ctx.tensor(node.input[0]!), ctx.tensor(node.input[1]!)], { axis }, node.name);
  ctx.types.set(node.name, ctx.typeOf(node.input[0]!));
};

const INT_MAX = 2 ** 31 - 1;

/** StridedSlice with begin/end/shrink masks (no ellipsis or new-axis masks) → Slice [+ Squeeze]. */
const stridedSlice: OpMapper = (node, ctx, a) => {
  if (a.int('ellipsis_mask', 0) || a.int('new_axis_mask', 0)) fail(node, 'ellipsis/new-axis masks are not supported');
  const begin = ctx.constInts(node, 1);
  const end = ctx.constInts(node, 2);
  const steps = ctx.constInts(node, 3);
  const bm = a.int('begin_mask', 0);
  const em = a.int('end_mask', 0);
  const sm = a.int('shrink_axis_mask', 0);
  const starts: number[] = [];
  const ends: number[] = [];
  const shrink: number[] = [];
  for (let i = 0; i < begin.length; i++) {
    const step = steps[i]!;
    starts.push(bm & (1 << i) ? (step > 0 ? 0 : INT_MAX) : begin[i]!);
    ends.push(em & (1 << i) ? (step > 0 ? INT_MAX : -INT_MAX) : end[i]!);
    if (sm & (1 << i)) {
      ends[i] = begin[i] === -1 ? INT_MAX : begin[i]! + 1;
      starts[i] = begin[i]!;
      shrink.push(i);
    }
  }
  const axes = begin.map((_, i) => i);
  const sliced = ctx.g.op('Slice', [
    ctx.tensor(node.input[0]!),
    ctx.int64Const(starts),
    ctx.int64Const(ends),
    ctx.int64Const(axes),
    ctx.int64Const(steps),
  ]);
  if (shrink.length) ctx.g.op('Squeeze', [sliced, ctx.int64Const(shrink)], {}, node.name);
  else ctx.g.op('Identity', [sliced], {}, node.name);
  ctx.types.set(node.name, ctx.typeOf(node.input[0]!));
};

const transpose: OpMapper = (node, ctx) => {
  const perm = ctx.constInts(node, 1);
  ctx.g.op('Transpose', [ctx.tensor(node.input[0]!)], { perm }, node.name);
  ctx.types.set(node.name, ctx.typeOf(node.input[0]!));
};

const softmax: OpMapper = (node, ctx) => {
  ctx.g.op('Softmax', [ctx.tensor(node.input[0]!)], { axis: -1 }, node.name);
  ctx.types.set(node.name, 'float32');
};

export const BASIC_OPS: Record<string, OpMapper> = {
  Identity: simple('Identity'),
  Add: simple('Add'),
  AddV2: simple('Add'),
  BiasAdd: simple('Add'),
  Sub: simple('Sub'),
  Mul: simple('Mul'),
  RealDiv: simple('Div'),
  Minimum: simple('Min'),
  Maximum: simple('Max'),
  Pow: simple('Pow'),
  Equal: simple('Equal', 'bool'),
  Greater: simple('Greater', 'bool'),
  Less: simple('Less', 'bool'),
  Relu: simple('Relu'),
  Sigmoid: simple('Sigmoid'),
  Tanh: simple('Tanh'),
  Exp: simple('Exp'),
  Log: simple('Log'),
  Sqrt: simple('Sqrt'),
  Abs: simple('Abs'),
  Neg: simple('Neg'),
  Floor: simple('Floor'),
  Elu: simple('Elu'),
  Relu6: fusedActivation('Relu6'),
  Prelu: fusedActivation('Prelu'),
  LeakyRelu: fusedActivation('LeakyRelu'),
  Rsqrt: unary((ctx, x) => ctx.g.op('Reciprocal', [ctx.g.op('Sqrt', [x])])),
  Square: unary((ctx, x) => ctx.g.op('Mul', [x, x])),
  Softmax: softmax,
  FloorMod: floorMod,
  FloorDiv: floorDiv,
  Mean: reduce('ReduceMean'),
  Sum: reduce('ReduceSum'),
  Max: reduce('ReduceMax'),
  Min: reduce('ReduceMin'),
  Reshape: reshape,
  Squeeze: squeeze,
  ExpandDims: expandDims,
  ConcatV2: concat,
  Cast: cast,
  TopKV2: topK,
  GatherV2: gather,
  StridedSlice: stridedSlice,
  Transpose: transpose,
};
