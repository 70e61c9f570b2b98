// Reads a TFJS weights manifest (`*-weights_manifest.json` + `.bin` shards), as face-api ships its models, into
// float32 arrays by name. face-api's weights are mostly uint8-quantised: value = q × scale + min. A few manifests
// also hold int32 graph constants (shapes, slice bounds); they are read as numbers like the rest.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FacegateError } from '../../errors.ts';

const manifestSchema = z.array(
  z.object({
    paths: z.array(z.string().min(1)),
    weights: z.array(
      z.object({
        name: z.string(),
        shape: z.array(z.number().int().nonnegative()),
        dtype: z.enum(['float32', 'int32']),
        quantization: z.object({ dtype: z.enum(['uint8', 'uint16']), scale: z.number(), min: z.number() }).optional(),
      }),
    ),
  }),
);

export interface NamedWeight {
  shape: number[];
  data: Float32Array;
}

export async function readTfjsWeights(dir: string, manifestFile: string): Promise<Map<string, NamedWeight>> {
  const raw: unknown = JSON.parse(await readFile(join(dir, manifestFile), 'utf8'));
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new FacegateError(
      'MODEL_CONVERSION_FAILED',
      `${manifestFile}: not a TFJS weights manifest (${parsed.error.message})`,
    );
  }
  const out = new Map<string, NamedWeight>();
  for (const group of parsed.data) {
    const shards = await Promise.all(group.paths.map((p) => readFile(join(dir, p))));
    const bytes = Buffer.concat(shards);
    let offset = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      const q = w.quantization;
      const width = q === undefined ? 4 : q.dtype === 'uint8' ? 1 : 2;
      if (offset + n * width > bytes.length) {
        throw new FacegateError('MODEL_CONVERSION_FAILED', `${manifestFile}: weights end before ${w.name}`);
      }
      for (let i = 0; i < n; i++) {
        const at = offset + i * width;
        if (q === undefined) data[i] = w.dtype === 'int32' ? bytes.readInt32LE(at) : bytes.readFloatLE(at);
        else data[i] = (q.dtype === 'uint8' ? bytes[at]! : bytes.readUInt16LE(at)) * q.scale + q.min;
      }
      offset += n * width;
      out.set(w.name, { shape: w.shape, data });
    }
    if (offset !== bytes.length) {
      throw new FacegateError('MODEL_CONVERSION_FAILED', `${manifestFile}: ${bytes.length - offset} bytes left over`);
    }
  }
  return out;
}
