// face-api's 128-d face descriptor (dlib's ResNet-34-style metric network, weights from @vladmandic/face-api) as an
// ONNX graph. face-api ships only weights; the layer layout below follows its FaceRecognitionNet: a 7×7/2 conv,
// 3×3/2 max-pool, residual stages of 32/64/128/256 channels, global mean, 256→128 fully connected. Each conv is
// followed by an affine "scale" layer, folded into the conv weights here (exact up to float rounding).
// Input: NHWC float32 [N,150,150,3], RGB 0–255, the aligned face chip. Output `descriptor` [N,128], not normalised.
import { FacegateError } from '../../errors.ts';
import { i64, OnnxGraph } from './onnx.builder.ts';
import { readTfjsWeights, type NamedWeight } from './faceapi.weights.ts';

export const FACEAPI_RESNET_INPUT = 150;
/** face-api's normalisation: RGB minus this mean, divided by 255. */
const MEAN_RGB = [122.782, 117.001, 104.298];

interface Shape {
  c: number;
  h: number;
  w: number;
}

class Builder {
  constructor(
    readonly g: OnnxGraph,
    private readonly weights: Map<string, NamedWeight>,
  ) {}

  private take(name: string): NamedWeight {
    const w = this.weights.get(name);
    if (!w) throw new FacegateError('MODEL_CONVERSION_FAILED', `face-api recognition weights lack ${name}`);
    this.weights.delete(name);
    return w;
  }

  /** Conv (HWIO weights → OIHW) with the scale layer folded in: W·s, b·s + β. */
  conv(x: string, s: Shape, prefix: string, stride: number, relu: boolean, same: boolean): [string, Shape] {
    const f = this.take(`${prefix}/conv/filters`);
    const bias = this.take(`${prefix}/conv/bias`).data;
    const scale = this.take(`${prefix}/scale/weights`).data;
    const shift = this.take(`${prefix}/scale/biases`).data;
    const [kh, kw, ci, co] = f.shape as [number, number, number, number];
    if (ci !== s.c) throw new FacegateError('MODEL_CONVERSION_FAILED', `${prefix}: expects ${ci} channels, has ${s.c}`);
    const w = new Float32Array(co * ci * kh * kw);
    for (let y = 0; y < kh; y++)
      for (let xk = 0; xk < kw; xk++)
        for (let i = 0; i < ci; i++)
          for (let o = 0; o < co; o++)
            w[((o * ci + i) * kh + y) * kw + xk] = f.data[((y * kw + xk) * ci + i) * co + o]! * scale[o]!;
    const b = new Float32Array(co);
    for (let o = 0; o < co; o++) b[o] = bias[o]! * scale[o]! + shift[o]!;
    // TF 'same' with stride 1 and an odd kernel pads (k-1)/2 on each side; every 'same' conv here is stride 1.
    const p = same ? (kh - 1) / 2 : 0;
    let y = this.g.op(
      'Conv',
      [x, this.g.constant(`${prefix}/W`, w, [co, ci, kh, kw]), this.g.constant(`${prefix}/B`, b, [co])],
      {
        kernel_shape: [kh, kw],
        strides: [stride, stride],
        pads: [p, p, p, p],
      },
    );
    if (relu) y = this.g.op('Relu', [y]);
    const out = (n: number) => (same ? n : Math.floor((n - kh) / stride) + 1);
    return [y, { c: co, h: out(s.h), w: out(s.w) }];
  }

  residual(x: string, s: Shape, prefix: string): [string, Shape] {
    const [a, sa] = this.conv(x, s, `${prefix}/conv1`, 1, true, true);
    const [b, sb] = this.conv(a, sa, `${prefix}/conv2`, 1, false, true);
    return [this.g.op('Relu', [this.g.op('Add', [b, x])]), sb];
  }

  /** Strided residual: shortcut is a 2×2 average pool, zero-padded in channels (and the main path in space). */
  residualDown(x: string, s: Shape, prefix: string): [string, Shape] {
    const [a, sa] = this.conv(x, s, `${prefix}/conv1`, 2, true, false);
    let [b, sb] = this.conv(a, sa, `${prefix}/conv2`, 1, false, true);
    let pooled = this.g.op('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
    const ps: Shape = { c: s.c, h: Math.floor(s.h / 2), w: Math.floor(s.w / 2) };
    if (ps.h !== sb.h || ps.w !== sb.w) {
      // face-api appends one zero row and one zero column to the main path when the pooled map is larger.
      b = this.pad(b, [0, 0, 0, 0, 0, 0, ps.h - sb.h, ps.w - sb.w]);
      sb = { c: sb.c, h: ps.h, w: ps.w };
    }
    if (ps.c !== sb.c) pooled = this.pad(pooled, [0, 0, 0, 0, 0, sb.c - ps.c, 0, 0]);
    return [this.g.op('Relu', [this.g.op('Add', [pooled, b])]), sb];
  }

  private pad(x: string, pads: number[]): string {
    return this.g.op('Pad', [x, this.g.constant('pads', i64(pads), [8])], { mode: 'constant' });
  }

  leftovers(): string[] {
    return [...this.weights.keys()];
  }
}

/** Builds the ONNX model from face-api's model folder (node_modules/@vladmandic/face-api/model). */
export async function convertFaceApiRecognition(modelDir: string): Promise<Uint8Array> {
  const weights = await readTfjsWeights(modelDir, 'face_recognition_model-weights_manifest.json');
  const g = new OnnxGraph('faceapi-resnet');
  const n = FACEAPI_RESNET_INPUT;
  const input = g.input('input', 'float32', ['N', n, n, 3]);
  const mean = g.constant('mean', Float32Array.from(MEAN_RGB), [1, 1, 1, 3]);
  const scaled = g.op('Mul', [g.op('Sub', [input, mean]), g.constant('inv255', Float32Array.of(1 / 255), [1])]);
  const b = new Builder(g, weights);
  let s: Shape = { c: 3, h: n, w: n };
  let x = g.op('Transpose', [scaled], { perm: [0, 3, 1, 2] });
  [x, s] = b.conv(x, s, 'conv32_down', 2, true, false);
  x = g.op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2] });
  s = { c: s.c, h: Math.floor((s.h - 3) / 2) + 1, w: Math.floor((s.w - 3) / 2) + 1 };
  for (const l of ['conv32_1', 'conv32_2', 'conv32_3']) [x, s] = b.residual(x, s, l);
  [x, s] = b.residualDown(x, s, 'conv64_down');
  for (const l of ['conv64_1', 'conv64_2', 'conv64_3']) [x, s] = b.residual(x, s, l);
  [x, s] = b.residualDown(x, s, 'conv128_down');
  for (const l of ['conv128_1', 'conv128_2']) [x, s] = b.residual(x, s, l);
  [x, s] = b.residualDown(x, s, 'conv256_down');
  for (const l of ['conv256_1', 'conv256_2']) [x, s] = b.residual(x, s, l);
  [x, s] = b.residualDown(x, s, 'conv256_down_out');
  const pooled = g.op('Flatten', [g.op('GlobalAveragePool', [x])]);
  const fc = weights.get('fc');
  if (!fc || fc.shape[0] !== s.c)
    throw new FacegateError('MODEL_CONVERSION_FAILED', 'face-api recognition: bad fc weights');
  weights.delete('fc');
  g.op('MatMul', [pooled, g.constant('fc', fc.data, fc.shape)], {}, 'descriptor');
  g.output('descriptor', 'float32', ['N', fc.shape[1]!]);
  const left = b.leftovers();
  if (left.length > 0)
    throw new FacegateError('MODEL_CONVERSION_FAILED', `face-api recognition: unused weights ${left.join(', ')}`);
  return g.toModel({ opset: 17, producer: 'facegate faceapi.converter' });
}
