// A direct TFLite interpreter for the operators tflite.converter.ts handles, written independently of it (NHWC,
// the file's own layout, plain loops): the reference a converted model is verified against, since no TFLite
// runtime ships on npm for Node. Slow (≈ 1 s for MobileFaceNet) and only for verification.
import { FacegateError } from '../../errors.ts';
import { floatData, intData, readTflite, TFLITE_OP, type TfliteModel, type TfliteOperator } from './tflite.reader.ts';

interface Arr {
  data: Float32Array;
  shape: number[];
}

function act(a: Arr, code: number): Arr {
  if (code === 0) return a;
  const hi = code === 3 ? 6 : Infinity;
  if (code !== 1 && code !== 3) throw new FacegateError('MODEL_CONVERSION_FAILED', `reference: activation ${code}`);
  return { shape: a.shape, data: a.data.map((v) => Math.min(hi, Math.max(0, v))) };
}

function conv(x: Arr, w: Arr, b: Arr | undefined, o: TfliteOperator, depthwise: boolean): Arr {
  const opt = o.options!;
  const same = opt.int8(0) === 0;
  const sw = opt.int32(1, 1);
  const sh = opt.int32(2, 1);
  const [n, ih, iw, ic] = x.shape as [number, number, number, number];
  const [, kh, kw] = w.shape as [number, number, number, number];
  const oc = depthwise ? w.shape[3]! : w.shape[0]!;
  const mult = depthwise ? oc / ic : 1;
  const oh = same ? Math.ceil(ih / sh) : Math.floor((ih - kh) / sh) + 1;
  const ow = same ? Math.ceil(iw / sw) : Math.floor((iw - kw) / sw) + 1;
  const pt = same ? Math.floor(Math.max(0, (oh - 1) * sh + kh - ih) / 2) : 0;
  const pl = same ? Math.floor(Math.max(0, (ow - 1) * sw + kw - iw) / 2) : 0;
  const out = new Float32Array(n * oh * ow * oc);
  for (let bi = 0; bi < n; bi++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++)
        for (let c = 0; c < oc; c++) {
          let s = b ? b.data[c]! : 0;
          for (let ky = 0; ky < kh; ky++) {
            const yy = y * sh + ky - pt;
            if (yy < 0 || yy >= ih) continue;
            for (let kx = 0; kx < kw; kx++) {
              const xx = xo * sw + kx - pl;
              if (xx < 0 || xx >= iw) continue;
              const base = ((bi * ih + yy) * iw + xx) * ic;
              if (depthwise) s += x.data[base + Math.floor(c / mult)]! * w.data[(ky * kw + kx) * oc + c]!;
              else for (let k = 0; k < ic; k++) s += x.data[base + k]! * w.data[((c * kh + ky) * kw + kx) * ic + k]!;
            }
          }
          out[((bi * oh + y) * ow + xo) * oc + c] = s;
        }
  return act({ data: out, shape: [n, oh, ow, oc] }, depthwise ? opt.int8(4) : opt.int8(3));
}

/** Elementwise with numpy broadcasting of the trailing dims (enough for per-channel constants). */
function binary(a: Arr, b: Arr, f: (x: number, y: number) => number): Arr {
  const big = a.data.length >= b.data.length ? a : b;
  const out = new Float32Array(big.data.length);
  const la = a.data.length;
  const lb = b.data.length;
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[i % la]!, b.data[i % lb]!);
  return { data: out, shape: big.shape };
}

function step(m: TfliteModel, o: TfliteOperator, get: (i: number) => Arr): Arr {
  const x = () => get(o.inputs[0]!);
  const fused = () => o.options?.int8(0) ?? 0;
  switch (o.op) {
    case TFLITE_OP.CONV_2D:
    case TFLITE_OP.DEPTHWISE_CONV_2D: {
      const bias = o.inputs[2] !== undefined && o.inputs[2] >= 0 ? get(o.inputs[2]) : undefined;
      return conv(x(), get(o.inputs[1]!), bias, o, o.op === TFLITE_OP.DEPTHWISE_CONV_2D);
    }
    case TFLITE_OP.ADD:
      return act(
        binary(x(), get(o.inputs[1]!), (p, q) => p + q),
        fused(),
      );
    case TFLITE_OP.SUB:
      return act(
        binary(x(), get(o.inputs[1]!), (p, q) => p - q),
        fused(),
      );
    case TFLITE_OP.MUL:
      return act(
        binary(x(), get(o.inputs[1]!), (p, q) => p * q),
        fused(),
      );
    case TFLITE_OP.RELU:
      return act(x(), 1);
    case TFLITE_OP.ABS:
      return { ...x(), data: x().data.map(Math.abs) };
    case TFLITE_OP.RESHAPE:
      return { data: x().data, shape: intData(m.tensors[o.inputs[1]!]!) };
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
    const t = m.tensors[i]!;
    const c = { data: floatData(t), shape: t.shape };
    values.set(i, c);
    return c;
  };
  for (const o of m.operators) values.set(o.outputs[0]!, step(m, o, get));
  return Object.fromEntries(m.outputs.map((i) => [m.tensors[i]!.name, values.get(i)!]));
}
