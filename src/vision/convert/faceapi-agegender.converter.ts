// face-api's age and gender net (weights from @vladmandic/face-api) as an ONNX graph. Only weights are shipped; the
// layout is its AgeGenderNet on a TinyXception: a 3×3/2 conv, two reduction blocks (two separable convs, a 3×3/2
// max pool, plus a strided 1×1 "expansion" shortcut), two residual main blocks of three separable convs, an exit
// reduction block and a separable conv to 512 channels, a 7×7 average pool, then two fully connected heads.
// Input: NHWC float32 [N,112,112,3], RGB 0–255, the face box padded to a square (centred) and resized.
// Outputs: `gender` [N,2] softmax (male, female), `age` [N,1] years.
import { FacegateError } from '../../errors.ts';
import { OnnxGraph } from './onnx.builder.ts';
import { readTfjsWeights } from './faceapi.weights.ts';
import { convSame, samePads, WeightTaker, type Shape } from './faceapi.layers.ts';

export const FACEAPI_AGEGENDER_INPUT = 112;
/** face-api's normalisation: RGB minus this mean, divided by 255. */
const MEAN_RGB = [122.782, 117.001, 104.298];

class Builder {
  constructor(
    readonly g: OnnxGraph,
    readonly w: WeightTaker,
  ) {}

  conv(x: string, s: Shape, prefix: string, stride: number): [string, Shape] {
    return convSame(
      this.g,
      x,
      s,
      prefix,
      this.w.take(`${prefix}/filters`),
      this.w.take(`${prefix}/bias`).data,
      stride,
      false,
    );
  }

  separable(x: string, s: Shape, prefix: string): [string, Shape] {
    const [d, ds] = convSame(
      this.g,
      x,
      s,
      `${prefix}/dw`,
      this.w.take(`${prefix}/depthwise_filter`),
      undefined,
      1,
      true,
    );
    const bias = this.w.take(`${prefix}/bias`).data;
    return convSame(this.g, d, ds, `${prefix}/pw`, this.w.take(`${prefix}/pointwise_filter`), bias, 1, false);
  }

  relu(x: string): string {
    return this.g.op('Relu', [x]);
  }

  reduction(x: string, s: Shape, prefix: string, activateInput: boolean): [string, Shape] {
    let [y, ys] = this.separable(activateInput ? this.relu(x) : x, s, `${prefix}/separable_conv0`);
    [y, ys] = this.separable(this.relu(y), ys, `${prefix}/separable_conv1`);
    const [pt, pb, oh] = samePads(ys.h, 3, 2);
    const [pl, pr, ow] = samePads(ys.w, 3, 2);
    const pooled = this.g.op('MaxPool', [y], { kernel_shape: [3, 3], strides: [2, 2], pads: [pt, pl, pb, pr] });
    const [shortcut] = this.conv(x, s, `${prefix}/expansion_conv`, 2);
    return [this.g.op('Add', [pooled, shortcut]), { c: ys.c, h: oh, w: ow }];
  }

  main(x: string, s: Shape, prefix: string): [string, Shape] {
    let y = x;
    let ys = s;
    for (const i of [0, 1, 2]) [y, ys] = this.separable(this.relu(y), ys, `${prefix}/separable_conv${i}`);
    return [this.g.op('Add', [y, x]), ys];
  }

  fc(x: string, prefix: string, output: string): number {
    const weights = this.w.take(`${prefix}/weights`);
    const bias = this.w.take(`${prefix}/bias`);
    const out = weights.shape[1]!;
    this.g.op(
      'Add',
      [
        this.g.op('MatMul', [x, this.g.constant('fc', weights.data, weights.shape)]),
        this.g.constant('b', bias.data, [out]),
      ],
      {},
      output,
    );
    return out;
  }
}

/** Builds the ONNX model from face-api's model folder (node_modules/@vladmandic/face-api/model). */
export async function convertFaceApiAgeGender(modelDir: string): Promise<Uint8Array> {
  const weights = await readTfjsWeights(modelDir, 'age_gender_model-weights_manifest.json');
  const g = new OnnxGraph('faceapi-agegender');
  const b = new Builder(g, new WeightTaker(weights, 'face-api age/gender'));
  const n = FACEAPI_AGEGENDER_INPUT;
  const input = g.input('input', 'float32', ['N', n, n, 3]);
  const mean = g.constant('mean', Float32Array.from(MEAN_RGB), [1, 1, 1, 3]);
  const scaled = g.op('Mul', [g.op('Sub', [input, mean]), g.constant('inv255', Float32Array.of(1 / 255), [])]);
  let x = g.op('Transpose', [scaled], { perm: [0, 3, 1, 2] });
  let s: Shape = { c: 3, h: n, w: n };
  [x, s] = b.conv(x, s, 'entry_flow/conv_in', 2);
  x = b.relu(x);
  [x, s] = b.reduction(x, s, 'entry_flow/reduction_block_0', false);
  [x, s] = b.reduction(x, s, 'entry_flow/reduction_block_1', true);
  for (const i of [0, 1]) [x, s] = b.main(x, s, `middle_flow/main_block_${i}`);
  [x, s] = b.reduction(x, s, 'exit_flow/reduction_block', true);
  [x, s] = b.separable(x, s, 'exit_flow/separable_conv');
  x = b.relu(x);
  if (s.h !== 7 || s.w !== 7)
    throw new FacegateError('MODEL_CONVERSION_FAILED', `face-api age/gender: ${s.h}×${s.w} map`);
  // face-api's 7×7/2 'valid' average pool on a 7×7 map is a global mean.
  const pooled = g.op('Flatten', [g.op('GlobalAveragePool', [x])]);
  b.fc(pooled, 'fc/age', 'age');
  b.fc(pooled, 'fc/gender', 'gender_logits');
  g.op('Softmax', ['gender_logits'], { axis: 1 }, 'gender');
  g.output('gender', 'float32', ['N', 2]);
  g.output('age', 'float32', ['N', 1]);
  b.w.checkAllUsed();
  return g.toModel({ opset: 17, producer: 'facegate faceapi-agegender.converter' });
}
