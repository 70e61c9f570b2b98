// face-api's SSD-MobileNetV1 face detector (trained on WIDER FACE, weights from @vladmandic/face-api) as an ONNX
// graph. Like the ResNet, face-api ships only weights; the layout is its SsdMobilenetv1: a MobileNetV1 backbone
// (a 3×3/2 conv, then 13 depthwise + pointwise pairs, strides 2 at pairs 2, 4, 6 and 12, every activation ReLU6),
// four extra pointwise pairs, and six box predictors (on pair 11, pair 13 and the extra layers: 32², 16², 8², 4²,
// 2², 1² cells, 3 anchors on the first map and 6 on the others = 5,118 anchors). Depthwise batch norms are folded
// into the weights. The SSD box decoding (scale factors 10, 10, 5, 5 against the prior boxes shipped in the weights)
// runs in the graph, so the model returns boxes and face scores directly.
// Input: NHWC float32 [N,512,512,3], RGB 0–255 (the image padded to a square at its bottom/right and resized).
// Outputs: `boxes` [N,5118,4] as (top, left, bottom, right) ratios of the input; `scores` [N,5118] face probability.
import { FacegateError } from '../../errors.ts';
import { i64, OnnxGraph } from './onnx.builder.ts';
import { readTfjsWeights, type NamedWeight } from './faceapi.weights.ts';
import { convSame, WeightTaker, type Shape } from './faceapi.layers.ts';

export const FACEAPI_SSD_INPUT = 512;
export const FACEAPI_SSD_ANCHORS = 5118;
const BN_EPSILON = 0.0010000000474974513;
/** Backbone pairs whose depthwise conv has stride 2. */
const STRIDE2_PAIRS = new Set([2, 4, 6, 12]);

class Builder {
  readonly w: WeightTaker;

  constructor(
    readonly g: OnnxGraph,
    weights: Map<string, NamedWeight>,
  ) {
    this.w = new WeightTaker(weights, 'face-api SSD');
  }

  private relu6(x: string): string {
    return this.g.op('Clip', [
      x,
      this.g.constant('zero', Float32Array.of(0), []),
      this.g.constant('six', Float32Array.of(6), []),
    ]);
  }

  /** `prefix/Conv2d_i_pointwise`: conv + offset, ReLU6. */
  pointwise(x: string, s: Shape, prefix: string, stride: number): [string, Shape] {
    const f = this.w.take(`${prefix}/weights`);
    const b = this.w.take(`${prefix}/convolution_bn_offset`).data;
    const [y, ys] = convSame(this.g, x, s, prefix, f, b, stride, false);
    return [this.relu6(y), ys];
  }

  /** `MobilenetV1/Conv2d_i_depthwise`: depthwise conv with its batch norm folded in, ReLU6. */
  depthwise(x: string, s: Shape, prefix: string, stride: number): [string, Shape] {
    const f = this.w.take(`${prefix}/depthwise_weights`);
    const gamma = this.w.take(`${prefix}/BatchNorm/gamma`).data;
    const beta = this.w.take(`${prefix}/BatchNorm/beta`).data;
    const mean = this.w.take(`${prefix}/BatchNorm/moving_mean`).data;
    const variance = this.w.take(`${prefix}/BatchNorm/moving_variance`).data;
    const scale = gamma.map((g, i) => g / Math.sqrt(variance[i]! + BN_EPSILON));
    const bias = beta.map((b, i) => b - mean[i]! * scale[i]!);
    const [y, ys] = convSame(this.g, x, s, prefix, f, bias, stride, true, scale);
    return [this.relu6(y), ys];
  }

  /** One box predictor: box encodings [N, cells·anchors, 4] and class logits [N, cells·anchors, 3]. */
  predictor(x: string, s: Shape, index: number): { boxes: string; classes: string } {
    const head = (kind: string, width: number) => {
      const prefix = `Prediction/BoxPredictor_${index}/${kind}`;
      const filters = this.w.take(`${prefix}/weights`);
      const [y] = convSame(this.g, x, s, prefix, filters, this.w.take(`${prefix}/biases`).data, 1, false);
      // Back to NHWC before flattening: anchors are ordered by row, column, then anchor, as in TF.
      const nhwc = this.g.op('Transpose', [y], { perm: [0, 2, 3, 1] });
      return this.g.op('Reshape', [nhwc, this.g.constant('shape', i64([0, -1, width]), [3])]);
    };
    return { boxes: head('BoxEncodingPredictor', 4), classes: head('ClassPredictor', 3) };
  }
}

/**
 * The prior boxes (`Output/extra_dim`, [1, 5118, 4] as top, left, bottom, right) as centres and sizes, the form
 * the decoding needs: [1, 5118, 2] each, (y, x) order.
 */
function priors(extraDim: NamedWeight): { centres: Float32Array; sizes: Float32Array } {
  const n = extraDim.shape[1]!;
  const centres = new Float32Array(n * 2);
  const sizes = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const [t, l, b, r] = [0, 1, 2, 3].map((k) => extraDim.data[i * 4 + k]!) as [number, number, number, number];
    sizes[2 * i] = b - t;
    sizes[2 * i + 1] = r - l;
    centres[2 * i] = t + (b - t) / 2;
    centres[2 * i + 1] = l + (r - l) / 2;
  }
  return { centres, sizes };
}

/** Graph constants of face-api's original TF graph (shapes, slice bounds) that the rebuilt graph does not need. */
const UNUSED = /^(Preprocessor\/|Postprocessor\/|concat_1\/axis$|Prediction\/BoxPredictor_\d\/(stack|strided_slice))/;

/** Builds the ONNX model from face-api's model folder (node_modules/@vladmandic/face-api/model). */
export async function convertFaceApiSsd(modelDir: string): Promise<Uint8Array> {
  const weights = await readTfjsWeights(modelDir, 'ssd_mobilenetv1_model-weights_manifest.json');
  for (const k of [...weights.keys()]) if (UNUSED.test(k)) weights.delete(k);
  const g = new OnnxGraph('faceapi-ssd');
  const n = FACEAPI_SSD_INPUT;
  const input = g.input('input', 'float32', ['N', n, n, 3]);
  // face-api feeds the network x / 127.5 − 1.
  const scaled = g.op('Sub', [
    g.op('Mul', [input, g.constant('inv127', Float32Array.of(1 / 127.5), [])]),
    g.constant('one', Float32Array.of(1), []),
  ]);
  const b = new Builder(g, weights);
  let s: Shape = { c: 3, h: n, w: n };
  let x = g.op('Transpose', [scaled], { perm: [0, 3, 1, 2] });
  [x, s] = b.pointwise(x, s, 'MobilenetV1/Conv2d_0_pointwise', 2);
  let conv11: [string, Shape] | undefined;
  for (let i = 1; i <= 13; i++) {
    [x, s] = b.depthwise(x, s, `MobilenetV1/Conv2d_${i}_depthwise`, STRIDE2_PAIRS.has(i) ? 2 : 1);
    [x, s] = b.pointwise(x, s, `MobilenetV1/Conv2d_${i}_pointwise`, 1);
    if (i === 11) conv11 = [x, s];
  }
  const maps: [string, Shape][] = [conv11!, [x, s]];
  let y: [string, Shape] = [x, s];
  for (let i = 0; i < 8; i++) {
    y = b.pointwise(y[0], y[1], `Prediction/Conv2d_${i}_pointwise`, i % 2 === 1 ? 2 : 1);
    if (i % 2 === 1) maps.push(y);
  }
  const heads = maps.map(([m, ms], i) => b.predictor(m, ms, i));
  const encodings = g.op(
    'Concat',
    heads.map((h) => h.boxes),
    { axis: 1 },
  );
  const logits = g.op(
    'Concat',
    heads.map((h) => h.classes),
    { axis: 1 },
  );
  const extra = b.w.take('Output/extra_dim');
  if (extra.shape[1] !== FACEAPI_SSD_ANCHORS)
    throw new FacegateError('MODEL_CONVERSION_FAILED', `face-api SSD: ${extra.shape[1]} priors, not 5118`);
  const { centres, sizes } = priors(extra);
  const slice = (t: string, from: number, to: number) =>
    g.op('Slice', [
      t,
      g.constant('starts', i64([from]), [1]),
      g.constant('ends', i64([to]), [1]),
      g.constant('axes', i64([2]), [1]),
    ]);
  const size = g.constant('prior_sizes', sizes, [1, FACEAPI_SSD_ANCHORS, 2]);
  const centre = g.op('Add', [
    g.op('Mul', [g.op('Div', [slice(encodings, 0, 2), g.constant('ten', Float32Array.of(10), [])]), size]),
    g.constant('prior_centres', centres, [1, FACEAPI_SSD_ANCHORS, 2]),
  ]);
  const half = g.op('Mul', [
    g.op('Exp', [g.op('Div', [slice(encodings, 2, 4), g.constant('five', Float32Array.of(5), [])])]),
    g.op('Mul', [size, g.constant('half', Float32Array.of(0.5), [])]),
  ]);
  g.op('Concat', [g.op('Sub', [centre, half]), g.op('Add', [centre, half])], { axis: 2 }, 'boxes');
  // Class 0 is the background; class 1 the face (class 2 is unused by face-api).
  g.op('Squeeze', [g.op('Sigmoid', [slice(logits, 1, 2)]), g.constant('axis', i64([2]), [1])], {}, 'scores');
  g.output('boxes', 'float32', ['N', FACEAPI_SSD_ANCHORS, 4]);
  g.output('scores', 'float32', ['N', FACEAPI_SSD_ANCHORS]);
  b.w.checkAllUsed();
  return g.toModel({ opset: 17, producer: 'facegate faceapi-ssd.converter' });
}
