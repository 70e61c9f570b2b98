// Layers shared by the converters that rebuild face-api networks from their weights: a TF-style 'same'-padded
// convolution (regular or depthwise) on NCHW tensors, taking TF's HWIO (or HW·C·1 depthwise) filter layout.
import { FacegateError } from '../../errors.ts';
import type { OnnxGraph } from './onnx.builder.ts';
import type { NamedWeight } from './faceapi.weights.ts';

/** Channels and spatial size of an NCHW tensor (batch left out). */
export interface Shape {
  c: number;
  h: number;
  w: number;
}

/** TF 'same' padding for one axis: the output is ceil(n / stride); any odd padding goes after. */
export function samePads(n: number, k: number, stride: number): [number, number, number] {
  const out = Math.ceil(n / stride);
  const total = Math.max(0, (out - 1) * stride + k - n);
  return [Math.floor(total / 2), total - Math.floor(total / 2), out];
}

/**
 * A conv with TF 'same' padding. `filters` is HWIO, or HW·C·M when `depthwise` (TF's depthwise layout);
 * `scale` multiplies each output channel's weights (a folded batch norm).
 */
export function convSame(
  g: OnnxGraph,
  x: string,
  s: Shape,
  name: string,
  filters: NamedWeight,
  bias: Float32Array | undefined,
  stride: number,
  depthwise: boolean,
  scale?: Float32Array,
): [string, Shape] {
  const [kh, kw, ci, m] = filters.shape as [number, number, number, number];
  if (ci !== s.c) throw new FacegateError('MODEL_CONVERSION_FAILED', `${name}: expects ${ci} channels, has ${s.c}`);
  const co = depthwise ? ci * m : m;
  const inPerGroup = depthwise ? 1 : ci;
  const w = new Float32Array(co * inPerGroup * kh * kw);
  for (let y = 0; y < kh; y++)
    for (let xk = 0; xk < kw; xk++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < m; o++) {
          const out = depthwise ? i * m + o : o;
          const inp = depthwise ? 0 : i;
          w[((out * inPerGroup + inp) * kh + y) * kw + xk] =
            filters.data[((y * kw + xk) * ci + i) * m + o]! * (scale?.[out] ?? 1);
        }
  const [pt, pb, oh] = samePads(s.h, kh, stride);
  const [pl, pr, ow] = samePads(s.w, kw, stride);
  const inputs = [x, g.constant(`${name}/W`, w, [co, inPerGroup, kh, kw])];
  if (bias) inputs.push(g.constant(`${name}/B`, bias, [co]));
  const y = g.op('Conv', inputs, {
    kernel_shape: [kh, kw],
    strides: [stride, stride],
    pads: [pt, pl, pb, pr],
    group: depthwise ? ci : 1,
  });
  return [y, { c: co, h: oh, w: ow }];
}

/** Takes named weights out of a map, so that a converter can check that it used every one. */
export class WeightTaker {
  constructor(
    private readonly weights: Map<string, NamedWeight>,
    private readonly model: string,
  ) {}

  take(name: string): NamedWeight {
    const w = this.weights.get(name);
    if (!w) throw new FacegateError('MODEL_CONVERSION_FAILED', `${this.model} weights lack ${name}`);
    this.weights.delete(name);
    return w;
  }

  /** Throws when any weight was not used: a layout mismatch would otherwise pass silently. */
  checkAllUsed(): void {
    const left = [...this.weights.keys()];
    if (left.length > 0)
      throw new FacegateError('MODEL_CONVERSION_FAILED', `${this.model}: unused weights ${left.join(', ')}`);
  }
}
