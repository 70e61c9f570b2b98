import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { parseTfjsModel, tfjsModelJson } from '../../../../src/vision/convert/tfjs-model.reader.ts';
import { convertTfjsGraph } from '../../../../src/vision/convert/tfjs-graph.converter.ts';
import { runTfjsReference } from '../../../../src/vision/convert/tfjs.reference.ts';
import { deterministicInput } from '../../../../src/vision/models/model.verify.ts';

// Ops the shipped models use rarely or not at all, each checked against tfjs itself on a one-op graph.
const b64 = (s: string) => Buffer.from(s).toString('base64');
const T = { T: { type: 'DT_FLOAT' } };

interface Case {
  name: string;
  op: string;
  attr: Record<string, unknown>;
  /** Extra constant inputs: int32 values. */
  consts?: { name: string; shape: number[]; data: number[] }[];
  input: number[];
}

const CASES: Case[] = [
  {
    name: 'ResizeBilinear, half-pixel centres, upscale',
    op: 'ResizeBilinear',
    attr: { ...T, align_corners: { b: false }, half_pixel_centers: { b: true } },
    consts: [{ name: 'size', shape: [2], data: [11, 7] }],
    input: [1, 5, 4, 3],
  },
  {
    name: 'ResizeBilinear, align corners, downscale',
    op: 'ResizeBilinear',
    attr: { ...T, align_corners: { b: true }, half_pixel_centers: { b: false } },
    consts: [{ name: 'size', shape: [2], data: [3, 4] }],
    input: [1, 8, 9, 2],
  },
  {
    name: 'ResizeNearestNeighbor, asymmetric',
    op: 'ResizeNearestNeighbor',
    attr: { ...T, align_corners: { b: false }, half_pixel_centers: { b: false } },
    consts: [{ name: 'size', shape: [2], data: [7, 5] }],
    input: [1, 3, 4, 2],
  },
  {
    name: 'ResizeNearestNeighbor, half-pixel centres',
    op: 'ResizeNearestNeighbor',
    attr: { ...T, align_corners: { b: false }, half_pixel_centers: { b: true } },
    consts: [{ name: 'size', shape: [2], data: [9, 6] }],
    input: [1, 4, 3, 2],
  },
  {
    name: 'AvgPool SAME (padding excluded from the mean)',
    op: 'AvgPool',
    attr: {
      ...T,
      ksize: { list: { i: ['1', '3', '3', '1'] } },
      strides: { list: { i: ['1', '2', '2', '1'] } },
      padding: { s: b64('SAME') },
      data_format: { s: b64('NHWC') },
    },
    input: [1, 7, 6, 3],
  },
  {
    name: 'MaxPool VALID',
    op: 'MaxPool',
    attr: {
      ...T,
      ksize: { list: { i: ['1', '2', '2', '1'] } },
      strides: { list: { i: ['1', '2', '2', '1'] } },
      padding: { s: b64('VALID') },
      data_format: { s: b64('NHWC') },
    },
    input: [1, 7, 6, 3],
  },
];

function oneOpModel(c: Case) {
  const consts = c.consts ?? [];
  const raw = {
    format: 'graph-model',
    modelTopology: {
      node: [
        {
          name: 'x',
          op: 'Placeholder',
          attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: c.input.map((d) => ({ size: String(d) })) } } },
        },
        ...consts.map((k) => ({ name: k.name, op: 'Const', attr: { dtype: { type: 'DT_INT32' } } })),
        { name: 'y', op: c.op, input: ['x', ...consts.map((k) => k.name)], attr: c.attr },
      ],
      versions: { producer: 1 },
    },
    weightsManifest: [
      { paths: ['w.bin'], weights: consts.map((k) => ({ name: k.name, shape: k.shape, dtype: 'int32' })) },
    ],
  };
  const weights = new Uint8Array(Buffer.concat(consts.map((k) => Buffer.from(Int32Array.from(k.data).buffer))));
  return { raw, weights };
}

describe('TF ops against tfjs', () => {
  for (const c of CASES) {
    test(`${c.name} matches tfjs`, async () => {
      const { raw, weights } = oneOpModel(c);
      const converted = convertTfjsGraph(parseTfjsModel(raw, weights), { outputs: ['y'] });
      const data = deterministicInput(
        c.input.reduce((a, b) => a * b, 1),
        [-1, 1],
        7,
      );
      const s = await ort.InferenceSession.create(converted.bytes);
      const got = (await s.run({ x: new ort.Tensor('float32', data, c.input) })).y!;
      await s.release();
      const ref = (await runTfjsReference(tfjsModelJson.parse(raw), weights, { x: { data, dims: c.input } }, ['y'])).y!;
      assert.deepEqual([...got.dims], ref.dims);
      let diff = 0;
      const g = got.data as Float32Array;
      for (let i = 0; i < g.length; i++) diff = Math.max(diff, Math.abs(g[i]! - ref.data[i]!));
      assert.ok(diff < 1e-5, `max diff ${diff}`);
    });
  }
});
