// Each TFLite operator the converter handles, on a hand-built graph: the ONNX conversion (run in ONNX Runtime) and the
// direct reference interpreter must both give the values worked out by hand here, in TFLite's NHWC order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { convertTflite } from '../../../../src/vision/convert/tflite.converter.ts';
import { runTfliteReference } from '../../../../src/vision/convert/tflite.reference.ts';
import { halfToFloat } from '../../../../src/vision/convert/tflite-reference.ops.ts';
import { TFLITE_OP, TFLITE_TYPE } from '../../../../src/vision/convert/tflite.reader.ts';
import { OnnxRuntime } from '../../../../src/vision/runtime/onnx.runtime.ts';
import {
  bool,
  buildTflite,
  f32,
  i32,
  i8,
  type OperatorSpec,
  type TensorSpec,
} from '../../../helpers/tflite.builder.ts';

const F16 = TFLITE_TYPE.FLOAT16;
const INT = TFLITE_TYPE.INT32;
const ints = (...v: number[]) => Int32Array.from(v);
const half = (...bits: number[]) => Uint16Array.from(bits);
const range = (n: number, from = 0) => Float32Array.from({ length: n }, (_, i) => from + i);

interface Graph {
  tensors: TensorSpec[];
  operators: OperatorSpec[];
  outputs: number[];
}

/** Runs the graph (input = tensor 0) through the converter + ORT and through the reference; outputs by name. */
async function both(g: Graph, input: Float32Array, dynamicBatch = true) {
  const file = buildTflite({ ...g, inputs: [0] });
  const rt = new OnnxRuntime({ threads: 1, source: () => Promise.resolve(convertTflite(file, { dynamicBatch })) });
  try {
    const s = await rt.session('op');
    const out = await s.run({ input: { data: input, dims: g.tensors[0]!.shape } });
    const ref = runTfliteReference(file, input);
    const names = g.outputs.map((i) => g.tensors[i]!.name ?? `t${i}`);
    return names.map((n) => ({
      onnx: Array.from(out[n]!.data as Float32Array, Number),
      onnxDims: out[n]!.dims,
      ref: Array.from(ref[n]!.data),
      refDims: ref[n]!.shape,
    }));
  } finally {
    await rt.close();
  }
}

function close(got: number[], want: number[], what: string, tol = 1e-5): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, want ${want.length}`);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol, `${what}[${i}] = ${v}, want ${want[i]}`));
}

function expectBoth(r: { onnx: number[]; ref: number[] }, want: number[], tol?: number): void {
  close(r.onnx, want, 'onnx', tol);
  close(r.ref, want, 'reference', tol);
}

describe('TFLite operators: converter and reference against hand-worked values', () => {
  test('float16 decoding covers normals, subnormals, the largest half and signed zero', () => {
    assert.equal(halfToFloat(0x3c00), 1);
    assert.equal(halfToFloat(0xc000), -2);
    assert.equal(halfToFloat(0x3555), 0.333251953125);
    assert.equal(halfToFloat(0x7bff), 65504);
    assert.equal(halfToFloat(0x0001), 2 ** -24);
    assert.equal(halfToFloat(0x03ff), 1023 * 2 ** -24);
    assert.ok(Object.is(halfToFloat(0x8000), -0));
    assert.equal(halfToFloat(0x7c00), Infinity);
    assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  });

  test('DEQUANTIZE of float16 constants feeding ADD (per-channel) and MUL (scalar)', async () => {
    const [r] = await both(
      {
        tensors: [
          { shape: [1, 1, 2, 3], name: 'x' },
          { shape: [3], type: F16, data: half(0x3e00, 0xb400, 0x7bff) }, // 1.5, -0.25, 65504
          { shape: [3], name: 'c' },
          { shape: [], type: F16, data: half(0x0001) }, // 2^-24
          { shape: [], name: 's' },
          { shape: [1, 1, 2, 3], name: 'sum' },
          { shape: [1, 1, 2, 3], name: 'y' },
        ],
        operators: [
          { op: TFLITE_OP.DEQUANTIZE, inputs: [1], outputs: [2] },
          { op: TFLITE_OP.DEQUANTIZE, inputs: [3], outputs: [4] },
          { op: TFLITE_OP.ADD, inputs: [0, 2], outputs: [5], options: [i8(0)] },
          { op: TFLITE_OP.MUL, inputs: [5, 4], outputs: [6], options: [i8(0)] },
        ],
        outputs: [6],
      },
      range(6),
    );
    const k = 2 ** -24;
    expectBoth(
      r!,
      [1.5, 0.75, 65506, 4.5, 3.75, 65509].map((v) => v * k),
      1e-12,
    );
  });

  test('LEAKY_RELU scales negatives by alpha', async () => {
    const [r] = await both(
      {
        tensors: [
          { shape: [1, 2, 2, 1], name: 'x' },
          { shape: [1, 2, 2, 1], name: 'y' },
        ],
        operators: [{ op: TFLITE_OP.LEAKY_RELU, inputs: [0], outputs: [1], options: [f32(0.2)] }],
        outputs: [1],
      },
      Float32Array.of(-2, -0.5, 0, 3),
    );
    expectBoth(r!, [-0.4, -0.1, 0, 3]);
  });

  test('GREATER_EQUAL and LESS against a float16 zero, CAST from bool to float', async () => {
    const results = await both(
      {
        tensors: [
          { shape: [1, 1, 1, 4], name: 'x' },
          { shape: [], type: F16, data: half(0) },
          { shape: [], name: 'zero' },
          { shape: [1, 1, 1, 4], type: TFLITE_TYPE.BOOL, name: 'ge' },
          { shape: [1, 1, 1, 4], type: TFLITE_TYPE.BOOL, name: 'lt' },
          { shape: [1, 1, 1, 4], name: 'ge_f' },
          { shape: [1, 1, 1, 4], name: 'lt_f' },
        ],
        operators: [
          { op: TFLITE_OP.DEQUANTIZE, inputs: [1], outputs: [2] },
          { op: TFLITE_OP.GREATER_EQUAL, inputs: [0, 2], outputs: [3] },
          { op: TFLITE_OP.LESS, inputs: [0, 2], outputs: [4] },
          { op: TFLITE_OP.CAST, inputs: [3], outputs: [5] },
          { op: TFLITE_OP.CAST, inputs: [4], outputs: [6] },
        ],
        outputs: [5, 6],
      },
      Float32Array.of(-1, 0, 2, -0.001),
    );
    expectBoth(results[0]!, [0, 1, 1, 0]);
    expectBoth(results[1]!, [1, 0, 0, 1]);
  });

  test('RESHAPE of a [1,2,2,3] map flattens in NHWC order, and back to rank 4 as [1,3,4,1]', async () => {
    const [flat, back] = await both(
      {
        tensors: [
          { shape: [1, 2, 2, 3], name: 'x' },
          { shape: [2], type: INT, data: ints(-1, 12) },
          { shape: [1, 12], name: 'flat' },
          { shape: [4], type: INT, data: ints(1, 3, 4, 1) },
          { shape: [1, 3, 4, 1], name: 'back' },
        ],
        operators: [
          { op: TFLITE_OP.RESHAPE, inputs: [0, 1], outputs: [2] },
          { op: TFLITE_OP.RESHAPE, inputs: [2, 3], outputs: [4] },
        ],
        outputs: [2, 4],
      },
      range(12),
    );
    expectBoth(flat!, Array.from(range(12)));
    expectBoth(back!, Array.from(range(12)));
    assert.deepEqual(back!.onnxDims, [1, 3, 4, 1]);
  });

  test('RESHAPE straight from one rank-4 shape to another keeps NHWC order ([1,2,2,2] → [1,1,4,2])', async () => {
    const [r] = await both(
      {
        tensors: [
          { shape: [1, 2, 2, 2], name: 'x' },
          { shape: [4], type: INT, data: ints(1, 1, 4, 2) },
          { shape: [1, 1, 4, 2], name: 'y' },
        ],
        operators: [{ op: TFLITE_OP.RESHAPE, inputs: [0, 1], outputs: [2] }],
        outputs: [2],
      },
      range(8),
    );
    expectBoth(r!, Array.from(range(8)));
  });

  test('STRIDED_SLICE on a rank-4 map: begin/end/stride, masks and a negative stride', async () => {
    // x[0, 0:2, ::-1 (mask), 1:4:2] of a [1,2,3,4] map counting 0…23 in NHWC order.
    const [r] = await both(
      {
        tensors: [
          { shape: [1, 2, 3, 4], name: 'x' },
          { shape: [4], type: INT, data: ints(0, 0, 0, 1) },
          { shape: [4], type: INT, data: ints(1, 2, 0, 4) },
          { shape: [4], type: INT, data: ints(1, 1, -1, 2) },
          { shape: [1, 2, 3, 2], name: 'y' },
        ],
        operators: [
          {
            op: TFLITE_OP.STRIDED_SLICE,
            inputs: [0, 1, 2, 3],
            outputs: [4],
            options: [i32(0b0100), i32(0b0100), i32(0), i32(0), i32(0), bool(false)],
          },
        ],
        outputs: [4],
      },
      range(24),
    );
    // h = 0: w = 2,1,0 → channels 1 and 3: 9,11, 5,7, 1,3; h = 1: +12.
    expectBoth(r!, [9, 11, 5, 7, 1, 3, 21, 23, 17, 19, 13, 15]);
  });

  test('STRIDED_SLICE with a shrunk axis drops it (rank 4 → rank 3, NHWC order)', async () => {
    // x[:, 1, :, :] of [1,2,2,2]: the second row.
    const [r] = await both(
      {
        tensors: [
          { shape: [1, 2, 2, 2], name: 'x' },
          { shape: [4], type: INT, data: ints(0, 1, 0, 0) },
          { shape: [4], type: INT, data: ints(0, 2, 0, 0) },
          { shape: [4], type: INT, data: ints(1, 1, 1, 1) },
          { shape: [1, 2, 2], name: 'y' },
        ],
        operators: [
          {
            op: TFLITE_OP.STRIDED_SLICE,
            inputs: [0, 1, 2, 3],
            outputs: [4],
            options: [i32(0b1101), i32(0b1101), i32(0), i32(0), i32(0b0010)],
          },
        ],
        outputs: [4],
      },
      range(8),
    );
    expectBoth(r!, [4, 5, 6, 7]);
    assert.deepEqual(r!.onnxDims, [1, 2, 2]);
    assert.deepEqual(r!.refDims, [1, 2, 2]);
  });

  test('FULLY_CONNECTED on a [1,2,2,2] map reads it in NHWC order; bias and fused ReLU', async () => {
    // w rows: one-hot on element 1 (NHWC index 1 = h0 w0 c1), a ramp, and minus all.
    const w = new Float32Array(24);
    w[1] = 1;
    for (let i = 0; i < 8; i++) w[8 + i] = i;
    for (let i = 0; i < 8; i++) w[16 + i] = -1;
    const [r] = await both(
      {
        tensors: [
          { shape: [1, 2, 2, 2], name: 'x' },
          { shape: [3, 8], data: w },
          { shape: [3], data: Float32Array.of(0.5, 0, 1) },
          { shape: [1, 3], name: 'y' },
        ],
        operators: [{ op: TFLITE_OP.FULLY_CONNECTED, inputs: [0, 1, 2], outputs: [3], options: [i8(1)] }],
        outputs: [3],
      },
      range(8, 1), // 1…8
    );
    // 2 + 0.5; Σ i·(i+1) = 168; relu(1 − 36) = 0
    expectBoth(r!, [2.5, 168, 0]);
  });

  test('MAX_POOL_2D and AVERAGE_POOL_2D with SAME padding (the average counts only cells inside)', async () => {
    const pool = [i8(0), i32(2), i32(2), i32(2), i32(2), i8(0)];
    const [mx, avg] = await both(
      {
        tensors: [
          { shape: [1, 3, 3, 1], name: 'x' },
          { shape: [1, 2, 2, 1], name: 'max' },
          { shape: [1, 2, 2, 1], name: 'avg' },
        ],
        operators: [
          { op: TFLITE_OP.MAX_POOL_2D, inputs: [0], outputs: [1], options: pool },
          { op: TFLITE_OP.AVERAGE_POOL_2D, inputs: [0], outputs: [2], options: pool },
        ],
        outputs: [1, 2],
      },
      Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
    );
    expectBoth(mx!, [5, 6, 8, 9]);
    expectBoth(avg!, [3, 4.5, 7.5, 9]);
  });

  test('CONCATENATION along channels (rank 4) and along the last axis (rank 2)', async () => {
    const [ch, flat] = await both(
      {
        tensors: [
          { shape: [1, 1, 2, 2], name: 'x' },
          { shape: [1, 1, 2, 4], name: 'xx' },
          { shape: [2], type: INT, data: ints(1, 8) },
          { shape: [1, 8], name: 'f' },
          { shape: [1, 16], name: 'ff' },
        ],
        operators: [
          { op: TFLITE_OP.CONCATENATION, inputs: [0, 0], outputs: [1], options: [i32(3), i8(0)] },
          { op: TFLITE_OP.RESHAPE, inputs: [1, 2], outputs: [3] },
          { op: TFLITE_OP.CONCATENATION, inputs: [3, 3], outputs: [4], options: [i32(-1), i8(0)] },
        ],
        outputs: [1, 4],
      },
      Float32Array.of(1, 2, 3, 4),
    );
    expectBoth(ch!, [1, 2, 1, 2, 3, 4, 3, 4]);
    expectBoth(flat!, [1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4]);
  });

  test('CONV_2D with float16 weights and bias behind DEQUANTIZE (weights reordered as half bit patterns)', async () => {
    // 2 output channels, 1×2 kernel, 2 input channels: out0 = x[w]·c0 + x[w+1]·c1 summed, out1 = −(in channel 1 at w).
    const w = half(0x3c00, 0x3c00, 0x3c00, 0x3c00, 0x0000, 0xbc00, 0x0000, 0x0000); // [O=2,H=1,W=2,I=2]
    const [r] = await both(
      {
        tensors: [
          { shape: [1, 1, 3, 2], name: 'x' },
          { shape: [2, 1, 2, 2], type: F16, data: w },
          { shape: [2, 1, 2, 2] },
          { shape: [2], type: F16, data: half(0x3800, 0x0000) }, // 0.5, 0
          { shape: [2] },
          { shape: [1, 1, 2, 2], name: 'y' },
        ],
        operators: [
          { op: TFLITE_OP.DEQUANTIZE, inputs: [1], outputs: [2] },
          { op: TFLITE_OP.DEQUANTIZE, inputs: [3], outputs: [4] },
          // padding VALID (1), stride 1×1, no activation
          { op: TFLITE_OP.CONV_2D, inputs: [0, 2, 4], outputs: [5], options: [i8(1), i32(1), i32(1), i8(0)] },
        ],
        outputs: [5],
      },
      Float32Array.of(1, 2, 3, 4, 5, 6), // w0 (1,2), w1 (3,4), w2 (5,6)
      false,
    );
    expectBoth(r!, [1 + 2 + 3 + 4 + 0.5, -2, 3 + 4 + 5 + 6 + 0.5, -4]);
  });

  test('unsupported operators and DEQUANTIZE of a non-float16 tensor fail the conversion by name', () => {
    const file = (op: number, tensors: TensorSpec[]) =>
      buildTflite({ tensors, operators: [{ op, inputs: [0], outputs: [1] }], inputs: [0], outputs: [1] });
    const x: TensorSpec = { shape: [1, 1, 1, 2], name: 'x' };
    assert.throws(() => convertTflite(file(TFLITE_OP.SQUEEZE, [x, { shape: [1, 2] }])), /SQUEEZE is not supported/);
    assert.throws(() => convertTflite(file(TFLITE_OP.DEQUANTIZE, [x, { shape: [1, 1, 1, 2] }])), /DEQUANTIZE of x/);
  });
});
