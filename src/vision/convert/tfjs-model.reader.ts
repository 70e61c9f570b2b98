// Reads a TensorFlow.js graph model (model.json + binary weight shards) into plain data: the node list and the
// decoded weights. Weights may be float32, int32, bool, float16-quantized or uint8/uint16 affine-quantized.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { FacegateError } from '../../errors.ts';

const attrValue = z.looseObject({
  i: z.union([z.string(), z.number()]).optional(),
  f: z.number().optional(),
  b: z.boolean().optional(),
  s: z.string().optional(),
  type: z.string().optional(),
  list: z
    .looseObject({
      i: z.array(z.union([z.string(), z.number()])).optional(),
      s: z.array(z.string()).optional(),
      f: z.array(z.number()).optional(),
    })
    .optional(),
  shape: z
    .looseObject({ dim: z.array(z.looseObject({ size: z.union([z.string(), z.number()]) })).optional() })
    .optional(),
  tensor: z.unknown().optional(),
});

const tfNode = z.object({
  name: z.string(),
  op: z.string(),
  input: z.array(z.string()).default([]),
  attr: z.record(z.string(), attrValue).default({}),
});

const weightSpec = z.object({
  name: z.string(),
  shape: z.array(z.number()),
  dtype: z.string(),
  quantization: z
    .object({
      dtype: z.string(),
      scale: z.number().optional(),
      min: z.number().optional(),
    })
    .optional(),
});

const signatureEntry = z.looseObject({
  name: z.string(),
  tensorShape: z.looseObject({ dim: z.array(z.looseObject({ size: z.union([z.string(), z.number()]) })) }).optional(),
});

export const tfjsModelJson = z.object({
  format: z.string().optional(),
  modelTopology: z.looseObject({ node: z.array(tfNode) }),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(weightSpec) })),
  signature: z
    .object({
      inputs: z.record(z.string(), signatureEntry).optional(),
      outputs: z.record(z.string(), signatureEntry).optional(),
    })
    .optional(),
});

export type TfjsModelJson = z.infer<typeof tfjsModelJson>;
export type TfNode = z.infer<typeof tfNode>;
export type TfAttr = z.infer<typeof attrValue>;

export type TfDType = 'float32' | 'int32' | 'bool';

export interface TfWeight {
  dtype: TfDType;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

export interface TfjsModel {
  json: TfjsModelJson;
  weights: Map<string, TfWeight>;
}

/** IEEE 754 half → float. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function decodeWeight(spec: z.infer<typeof weightSpec>, bytes: Uint8Array, offset: number): [TfWeight, number] {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  const q = spec.quantization;
  const dtype = spec.dtype as TfDType;
  if (q) {
    const out = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
    if (q.dtype === 'float16') {
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return [{ dtype, shape: spec.shape, data: out }, n * 2];
    }
    const size = q.dtype === 'uint8' ? 1 : 2;
    const scale = q.scale ?? 1;
    const min = q.min ?? 0;
    for (let i = 0; i < n; i++) out[i] = (size === 1 ? view.getUint8(i) : view.getUint16(i * 2, true)) * scale + min;
    return [{ dtype, shape: spec.shape, data: out }, n * size];
  }
  switch (spec.dtype) {
    case 'float32':
      return [
        { dtype, shape: spec.shape, data: Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true)) },
        n * 4,
      ];
    case 'int32':
      return [
        { dtype, shape: spec.shape, data: Int32Array.from({ length: n }, (_, i) => view.getInt32(i * 4, true)) },
        n * 4,
      ];
    case 'bool':
      return [{ dtype, shape: spec.shape, data: bytes.slice(offset, offset + n) }, n];
    default:
      throw new FacegateError('MODEL_CONVERSION_FAILED', `weight ${spec.name}: unsupported dtype ${spec.dtype}`);
  }
}

/** Decodes a model from its parsed JSON and all weight shards concatenated in manifest order. */
export function parseTfjsModel(rawJson: unknown, weightData: Uint8Array): TfjsModel {
  const parsed = tfjsModelJson.safeParse(rawJson);
  if (!parsed.success)
    throw new FacegateError('MODEL_CONVERSION_FAILED', `not a TFJS graph model: ${parsed.error.message}`);
  const weights = new Map<string, TfWeight>();
  let offset = 0;
  for (const group of parsed.data.weightsManifest)
    for (const spec of group.weights) {
      const [w, used] = decodeWeight(spec, weightData, offset);
      weights.set(spec.name, w);
      offset += used;
    }
  if (offset !== weightData.length)
    throw new FacegateError(
      'MODEL_CONVERSION_FAILED',
      `weights: manifest needs ${offset} bytes, shards hold ${weightData.length}`,
    );
  return { json: parsed.data, weights };
}

/** The shard files a model.json names, as absolute paths (for hashing and reading). */
export async function tfjsModelFiles(modelJsonPath: string): Promise<string[]> {
  const json = tfjsModelJson.parse(JSON.parse(await readFile(modelJsonPath, 'utf8')));
  return [modelJsonPath, ...json.weightsManifest.flatMap((g) => g.paths.map((p) => join(dirname(modelJsonPath), p)))];
}

/** Reads model.json and its shards from disk. */
export async function readTfjsModel(modelJsonPath: string): Promise<TfjsModel> {
  const raw: unknown = JSON.parse(await readFile(modelJsonPath, 'utf8'));
  const json = tfjsModelJson.parse(raw);
  const shards = await Promise.all(
    json.weightsManifest.flatMap((g) => g.paths.map((p) => readFile(join(dirname(modelJsonPath), p)))),
  );
  return parseTfjsModel(raw, new Uint8Array(Buffer.concat(shards)));
}
