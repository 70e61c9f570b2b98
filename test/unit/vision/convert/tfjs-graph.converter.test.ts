import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { parseTfjsModel } from '../../../../src/vision/convert/tfjs-model.reader.ts';
import { convertTfjsGraph } from '../../../../src/vision/convert/tfjs-graph.converter.ts';

// Hand-written TFJS graphs: checks op semantics that the shipped models only exercise on non-negative values.
const i = (v: number) => ({ i: String(v) });
const T = (dt: string) => ({ type: dt });

function model(nodes: object[], weights: { name: string; shape: number[]; dtype: string; data: number[] }[]) {
  const bytes = Buffer.concat(
    weights.map((w) => Buffer.from((w.dtype === 'int32' ? Int32Array.from(w.data) : Float32Array.from(w.data)).buffer)),
  );
  const json = {
    modelTopology: {
      node: [
        ...weights.map((w) => ({
          name: w.name,
          op: 'Const',
          attr: { dtype: T(w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT') },
        })),
        ...nodes,
      ],
    },
    weightsManifest: [{ paths: ['w.bin'], weights: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
  };
  return parseTfjsModel(json, new Uint8Array(bytes));
}

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const s = await ort.InferenceSession.create(bytes);
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

describe('convertTfjsGraph', () => {
  test('FloorDiv and FloorMod on negative int32 round toward −∞ as TF does (not C truncation)', async () => {
    const m = model(
      [
        { name: 'x', op: 'Placeholder', attr: { dtype: T('DT_INT32'), shape: { shape: { dim: [{ size: '4' }] } } } },
        { name: 'q', op: 'FloorDiv', input: ['x', 'd'], attr: { T: T('DT_INT32') } },
        { name: 'r', op: 'FloorMod', input: ['x', 'd'], attr: { T: T('DT_INT32') } },
      ],
      [{ name: 'd', shape: [], dtype: 'int32', data: [3] }],
    );
    const c = convertTfjsGraph(m, { outputs: ['q', 'r'] });
    const out = await run(c.bytes, { x: new ort.Tensor('int32', Int32Array.from([-7, -1, 0, 7]), [4]) });
    assert.deepEqual([...(out.q!.data as Int32Array)], [-3, -1, 0, 2]);
    assert.deepEqual([...(out.r!.data as Int32Array)], [2, 2, 0, 1]);
  });

  test('StridedSlice honours begin/end masks and shrinks an axis; _FusedMatMul adds its bias then Relu', async () => {
    const m = model(
      [
        {
          name: 'x',
          op: 'Placeholder',
          attr: { dtype: T('DT_FLOAT'), shape: { shape: { dim: [{ size: '-1' }, { size: '3' }] } } },
        },
        {
          name: 'col',
          op: 'StridedSlice',
          input: ['x', 'b', 'e', 's'],
          attr: { begin_mask: i(1), end_mask: i(1), shrink_axis_mask: i(2), T: T('DT_FLOAT') },
        },
        {
          name: 'mm',
          op: '_FusedMatMul',
          input: ['x', 'w', 'bias'],
          attr: {
            transpose_a: { b: false },
            transpose_b: { b: false },
            fused_ops: {
              list: { s: [Buffer.from('BiasAdd').toString('base64'), Buffer.from('Relu').toString('base64')] },
            },
          },
        },
      ],
      [
        { name: 'b', shape: [2], dtype: 'int32', data: [0, 1] },
        { name: 'e', shape: [2], dtype: 'int32', data: [0, 2] },
        { name: 's', shape: [2], dtype: 'int32', data: [1, 1] },
        { name: 'w', shape: [3, 1], dtype: 'float32', data: [1, 1, 1] },
        { name: 'bias', shape: [1], dtype: 'float32', data: [-10] },
      ],
    );
    const c = convertTfjsGraph(m, { outputs: ['col', 'mm'] });
    assert.deepEqual(c.inputs, [{ name: 'x', dtype: 'float32', shape: ['N', 3] }]);
    const out = await run(c.bytes, { x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]) });
    assert.deepEqual([...(out.col!.data as Float32Array)], [2, 5]);
    assert.deepEqual(out.col!.dims, [2]);
    assert.deepEqual([...(out.mm!.data as Float32Array)], [0, 5]);
  });

  test('an unsupported TF op fails conversion naming the op', () => {
    const m = model(
      [
        { name: 'x', op: 'Placeholder', attr: { dtype: T('DT_FLOAT'), shape: { shape: { dim: [{ size: '1' }] } } } },
        { name: 'y', op: 'Erfinv', input: ['x'], attr: {} },
      ],
      [],
    );
    assert.throws(() => convertTfjsGraph(m, { outputs: ['y'] }), /TF op Erfinv \(y\) is not supported/);
  });
});
