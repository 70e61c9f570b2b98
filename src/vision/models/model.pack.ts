// Optional model packs: a directory of ONNX models a user installed themselves (e.g. a detector or recognizer
// exported elsewhere), described by `pack.json`. FACEGATE_MODELS=<directory> puts the pack in front of the
// converted-model cache: a pack model with a catalogue name replaces it, other names add models. Each model's file
// is checked against its recorded sha256 and size, and its input/output names against ONNX Runtime's view, on load.
// A pack may also describe a face recogniser (`recognizer`, pack.recognizer.ts): then FACEGATE_DESCRIPTOR=pack makes
// it the engine's descriptor. The format is documented in docs/models.md.
import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { FacegateError } from '../../errors.ts';
import { recognizerSchema } from './pack.recognizer.ts';

const io = z.object({
  name: z.string().min(1),
  dtype: z.enum(['float32', 'int32', 'int64', 'bool', 'uint8']).default('float32'),
  shape: z.array(z.union([z.number().int(), z.string()])),
});

export const packSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  models: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
        /** Relative to the pack directory; must stay inside it. */
        file: z.string().min(1),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        purpose: z.string().default(''),
        licence: z.string().default('unknown'),
        inputs: z.array(io).min(1),
        outputs: z.array(io).min(1),
      }),
    )
    .min(1),
  /** The face recogniser this pack offers, if any (FACEGATE_DESCRIPTOR=pack selects it). */
  recognizer: recognizerSchema.optional(),
});

export type ModelPack = z.infer<typeof packSchema>;
export type PackModel = ModelPack['models'][number];

export interface LoadedPack {
  dir: string;
  pack: ModelPack;
  /** Absolute file of a pack model, or undefined when the pack does not hold that name. */
  file(name: string): string | undefined;
  model(name: string): PackModel | undefined;
}

export async function loadModelPack(dir: string): Promise<LoadedPack> {
  const root = resolve(dir);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(root, 'pack.json'), 'utf8'));
  } catch (e) {
    throw new FacegateError('MODEL_NOT_AVAILABLE', `model pack ${root}: pack.json is missing or not JSON`, {
      cause: e,
    });
  }
  const parsed = packSchema.safeParse(raw);
  if (!parsed.success)
    throw new FacegateError('MODEL_NOT_AVAILABLE', `model pack ${root}: pack.json is invalid: ${parsed.error.message}`);
  const pack = parsed.data;
  for (const m of pack.models) {
    if (isAbsolute(m.file) || escapes(root, resolve(root, normalize(m.file))))
      throw new FacegateError(
        'MODEL_NOT_AVAILABLE',
        `model pack ${root}: ${m.name} points outside the pack (${m.file})`,
      );
  }
  if (pack.recognizer && !pack.models.some((m) => m.name === pack.recognizer!.model))
    throw new FacegateError(
      'MODEL_NOT_AVAILABLE',
      `model pack ${root}: recognizer.model ${pack.recognizer.model} is not one of the pack's models`,
    );
  const byName = new Map(pack.models.map((m) => [m.name, m]));
  return {
    dir: root,
    pack,
    model: (name) => byName.get(name),
    file: (name) => {
      const m = byName.get(name);
      return m ? join(root, normalize(m.file)) : undefined;
    },
  };
}

/** Reads a pack model's bytes and checks them against the recorded sha256 (a swapped or truncated file fails). */
export async function readPackModel(pack: LoadedPack, name: string): Promise<Uint8Array> {
  const file = pack.file(name);
  const m = pack.model(name);
  if (!file || !m) throw new FacegateError('MODEL_NOT_AVAILABLE', `model pack ${pack.pack.name} has no model ${name}`);
  let bytes: Buffer;
  try {
    // A symbolic link inside the pack that leads out of it is refused like a `..` path.
    const [realRoot, real] = await Promise.all([realpath(pack.dir), realpath(file)]);
    if (escapes(realRoot, real))
      throw new FacegateError('MODEL_NOT_AVAILABLE', `model pack ${pack.pack.name}: ${m.file} points outside the pack`);
    bytes = await readFile(real);
  } catch (e) {
    if (e instanceof FacegateError) throw e;
    throw new FacegateError('MODEL_NOT_AVAILABLE', `model pack ${pack.pack.name}: ${m.file} is missing`, { cause: e });
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== m.sha256)
    throw new FacegateError('MODEL_LOAD_FAILED', `model pack ${pack.pack.name}: ${m.file} does not match its sha256`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** True when `path` is not inside `root` (both absolute). */
function escapes(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === '' || r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r);
}
