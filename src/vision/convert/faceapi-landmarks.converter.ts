// face-api's 68-point face landmark net (weights from @vladmandic/face-api) as an ONNX graph. Only weights are
// shipped; the layout is its FaceLandmark68Net: four "dense" blocks (each halves the size: a strided conv, then
// three depthwise-separable convs whose inputs are the ReLU of the running sum of the block's earlier outputs;
// the first block's strided conv is a plain 3×3 conv), a 7×7 average pool and a 256 → 136 fully connected layer.
// Input: NHWC float32 [N,112,112,3], RGB 0–255, the face box padded to a square (centred) and resized.
// Output `landmarks` [N,136]: x0, y0, x1, y1, … as ratios of the input square (iBUG 68-point order).
import { FacegateError } from '../../errors.ts';
import { OnnxGraph } from './onnx.builder.ts';
import { readTfjsWeights } from './faceapi.weights.ts';
import { convSame, WeightTaker, type Shape } from './faceapi.layers.ts';

export const FACEAPI_LANDMARKS_INPUT = 112;
/** face-api's normalisation: RGB minus this mean, divided by 255. */
const MEAN_RGB = [122.782, 117.001, 104.298];

/** A depthwise 3×3 (no bias) then a pointwise 1×1 with bias: TF's separableConv2d + bias. */
function separable(g: OnnxGraph, w: WeightTaker, x: string, s: Shape, prefix: string, stride: number): [string, Shape] {
  const [d, ds] = convSame(g, x, s, `${prefix}/dw`, w.take(`${prefix}/depthwise_filter`), undefined, stride, true);
  const bias = w.take(`${prefix}/bias`).data;
  return convSame(g, d, ds, `${prefix}/pw`, w.take(`${prefix}/pointwise_filter`), bias, 1, false);
}

function denseBlock(
  g: OnnxGraph,
  w: WeightTaker,
  x: string,
  s: Shape,
  prefix: string,
  first: boolean,
): [string, Shape] {
  const [c0, s0] = first
    ? convSame(
        g,
        x,
        s,
        `${prefix}/conv0`,
        w.take(`${prefix}/conv0/filters`),
        w.take(`${prefix}/conv0/bias`).data,
        2,
        false,
      )
    : separable(g, w, x, s, `${prefix}/conv0`, 2);
  const out1 = g.op('Relu', [c0]);
  let sum = out1;
  let next = out1;
  for (const i of [1, 2, 3]) {
    const [y] = separable(g, w, next, s0, `${prefix}/conv${i}`, 1);
    sum = g.op('Add', [sum, y]);
    next = g.op('Relu', [sum]);
  }
  return [next, s0];
}

/** Builds the ONNX model from face-api's model folder (node_modules/@vladmandic/face-api/model). */
export async function convertFaceApiLandmarks(modelDir: string): Promise<Uint8Array> {
  const weights = await readTfjsWeights(modelDir, 'face_landmark_68_model-weights_manifest.json');
  const w = new WeightTaker(weights, 'face-api landmarks');
  const g = new OnnxGraph('faceapi-landmarks');
  const n = FACEAPI_LANDMARKS_INPUT;
  const input = g.input('input', 'float32', ['N', n, n, 3]);
  const mean = g.constant('mean', Float32Array.from(MEAN_RGB), [1, 1, 1, 3]);
  const scaled = g.op('Mul', [g.op('Sub', [input, mean]), g.constant('inv255', Float32Array.of(1 / 255), [])]);
  let x = g.op('Transpose', [scaled], { perm: [0, 3, 1, 2] });
  let s: Shape = { c: 3, h: n, w: n };
  for (const i of [0, 1, 2, 3]) [x, s] = denseBlock(g, w, x, s, `dense${i}`, i === 0);
  if (s.h !== 7 || s.w !== 7)
    throw new FacegateError('MODEL_CONVERSION_FAILED', `face-api landmarks: ${s.h}×${s.w} map`);
  // face-api's 7×7/2 'valid' average pool on a 7×7 map is a global mean.
  const pooled = g.op('Flatten', [g.op('GlobalAveragePool', [x])]);
  const fc = w.take('fc/weights');
  const fcBias = w.take('fc/bias');
  if (fc.shape[0] !== s.c || fc.shape[1] !== 136)
    throw new FacegateError('MODEL_CONVERSION_FAILED', 'face-api landmarks: bad fc weights');
  g.op(
    'Add',
    [g.op('MatMul', [pooled, g.constant('fc', fc.data, fc.shape)]), g.constant('fc_bias', fcBias.data, [136])],
    {},
    'landmarks',
  );
  g.output('landmarks', 'float32', ['N', 136]);
  w.checkAllUsed();
  return g.toModel({ opset: 17, producer: 'facegate faceapi-landmarks.converter' });
}
