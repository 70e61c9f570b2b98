import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { OnnxGraph } from '../../../../src/vision/convert/onnx.builder.ts';
import { OnnxRuntime } from '../../../../src/vision/runtime/onnx.runtime.ts';
import { isFacegateError } from '../../../../src/errors.ts';

function doubler(): Uint8Array {
  const g = new OnnxGraph();
  g.input('x', 'float32', ['N', 2]);
  g.initializer('two', Float32Array.from([2]), [1]);
  g.op('Mul', ['x', 'two'], {}, 'y');
  g.output('y');
  return g.toModel();
}

describe('OnnxRuntime', () => {
  test('runs a model and returns float32 outputs with their dims', async () => {
    const rt = new OnnxRuntime({ threads: 1, source: () => Promise.resolve(doubler()) });
    try {
      const s = await rt.session('doubler');
      assert.deepEqual(s.inputNames, ['x']);
      assert.deepEqual(s.outputNames, ['y']);
      const out = await s.run({ x: { data: Float32Array.from([1, 2, 3, 4]), dims: [2, 2] } });
      assert.deepEqual([...(out.y!.data as Float32Array)], [2, 4, 6, 8]);
      assert.deepEqual(out.y!.dims, [2, 2]);
    } finally {
      await rt.close();
    }
  });

  test('creates each session once and shares it between concurrent callers', async () => {
    let loads = 0;
    const rt = new OnnxRuntime({
      threads: 0,
      source: () => {
        loads++;
        return Promise.resolve(doubler());
      },
    });
    try {
      const [a, b] = await Promise.all([rt.session('m'), rt.session('m')]);
      const c = await rt.session('m');
      assert.equal(a, b);
      assert.equal(a, c);
      assert.equal(loads, 1);
    } finally {
      await rt.close();
    }
  });

  test('reports a missing model file as MODEL_NOT_AVAILABLE', async () => {
    const rt = new OnnxRuntime({ threads: 1, source: () => Promise.resolve(join(tmpdir(), 'facegate-no-such.onnx')) });
    await assert.rejects(rt.session('absent'), (e) => isFacegateError(e) && e.code === 'MODEL_NOT_AVAILABLE');
    await rt.close();
  });

  test('rethrows a corrupt model as MODEL_LOAD_FAILED keeping the runtime error as cause, and retries later', async () => {
    let calls = 0;
    const rt = new OnnxRuntime({
      threads: 1,
      source: () => Promise.resolve(calls++ === 0 ? Uint8Array.from([1, 2, 3, 4, 5]) : doubler()),
    });
    await assert.rejects(
      rt.session('bad'),
      (e) => isFacegateError(e) && e.code === 'MODEL_LOAD_FAILED' && e.cause instanceof Error,
    );
    const s = await rt.session('bad');
    assert.deepEqual(s.outputNames, ['y']);
    await rt.close();
  });
});
