import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { OnnxGraph, float, i64 } from '../../../../src/vision/convert/onnx.builder.ts';
import { ProtoWriter } from '../../../../src/vision/convert/protobuf.writer.ts';

async function run(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(model);
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

describe('ProtoWriter', () => {
  test('encodes varints, negative int64 and fixed32 floats as the protobuf wire format does', () => {
    const w = new ProtoWriter();
    w.int(1, 300).int(2, -1).float(3, 1.5);
    const bytes = [...w.finish()];
    assert.deepEqual(bytes.slice(0, 3), [0x08, 0xac, 0x02]);
    assert.deepEqual(bytes.slice(3, 14), [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert.deepEqual(bytes.slice(14), [0x1d, 0x00, 0x00, 0xc0, 0x3f]);
  });
});

describe('OnnxGraph', () => {
  test('builds Add + MatMul with a symbolic batch dim that ONNX Runtime runs with the expected values', async () => {
    const g = new OnnxGraph();
    g.input('x', 'float32', ['N', 2]);
    g.initializer('b', Float32Array.from([10, 20]), [2]);
    g.initializer('w', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const sum = g.op('Add', ['x', 'b']);
    g.op('MatMul', [sum, 'w'], {}, 'y');
    g.output('y', 'float32', ['N', 3]);
    const out = await run(g.toModel({ opset: 17 }), {
      x: new ort.Tensor('float32', Float32Array.from([1, 2, 0, 0]), [2, 2]),
    });
    // [11, 22] · w = [11+88, 22+110, 33+132]; [10, 20] · w = [90, 120, 150]
    assert.deepEqual([...(out.y!.data as Float32Array)], [99, 132, 165, 90, 120, 150]);
    assert.deepEqual(out.y!.dims, [2, 3]);
  });

  test('Conv with int and ints attributes, then LeakyRelu with a float attribute, gives known outputs', async () => {
    const g = new OnnxGraph();
    g.input('x', 'float32', [1, 1, 3, 3]);
    // 2x2 kernel of ones, bias -20: each output is the sum of a 2x2 window minus 20.
    g.initializer('k', new Float32Array(4).fill(1), [1, 1, 2, 2]);
    g.initializer('bias', Float32Array.from([-20]), [1]);
    const c = g.op('Conv', ['x', 'k', 'bias'], { strides: [1, 1], pads: [0, 0, 0, 0], group: 1 });
    g.op('LeakyRelu', [c], { alpha: float(0.5) }, 'y');
    g.output('y');
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const out = await run(g.toModel(), { x: new ort.Tensor('float32', x, [1, 1, 3, 3]) });
    // windows sum to 12, 16, 24, 28 → minus 20 → -8, -4, 4, 8 → leaky 0.5 → -4, -2, 4, 8
    assert.deepEqual([...(out.y!.data as Float32Array)], [-4, -2, 4, 8]);
  });

  test('int64 initializers and a tensor attribute (Reshape by a shape input, Constant node)', async () => {
    const g = new OnnxGraph();
    g.input('x', 'float32', [6]);
    const shape = g.constant('shape', i64([2, 3]), [2]);
    const r = g.op('Reshape', ['x', shape]);
    const k = g.op('Constant', [], { value: { dtype: 'float32', dims: [1, 3], data: Float32Array.from([1, 0, -1]) } });
    g.op('Mul', [r, k], {}, 'y');
    g.output('y', 'float32', [2, 3]);
    const out = await run(g.toModel({ opset: 13 }), {
      x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [6]),
    });
    assert.deepEqual([...(out.y!.data as Float32Array)], [1, 0, -3, 4, 0, -6]);
  });

  test('rejects an initializer whose data does not match its dims', () => {
    const g = new OnnxGraph();
    assert.throws(() => g.initializer('w', new Float32Array(5), [2, 3]), /5 values for dims \[2,3\]/);
  });
});
