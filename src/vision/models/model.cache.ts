// The converted-model cache: `<cacheDir>/<name>.onnx` plus `<name>.json`, a manifest that records the cache key
// (a hash of the source files, the entry version and the converter version), shapes and the verification result.
// Writes are atomic (temporary file + rename), so a crash never leaves a half-written model that looks prepared.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Config } from '../../config/config.schema.ts';
import { FacegateError } from '../../errors.ts';
import type { ModelEntry } from './model.entry.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);

export function modelCacheDir(config: Pick<Config, 'models'>): string {
  return resolve(config.models.cacheDir ?? join(REPO_ROOT, '.cache', 'models'));
}

/**
 * The directory of an installed npm package. Looked up on node's module search paths rather than through
 * require.resolve, because some packages' `exports` maps hide their package.json and model files.
 */
export function packageDir(pkg: string): string {
  for (const base of require.resolve.paths(pkg) ?? []) {
    const dir = join(base, pkg);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new FacegateError('MODEL_NOT_AVAILABLE', `npm package ${pkg} is not installed`);
}

const ioSchema = z.object({
  name: z.string(),
  dtype: z.enum(['float32', 'int32', 'int64', 'bool', 'uint8']),
  shape: z.array(z.union([z.number(), z.string()])),
});

export const manifestSchema = z.object({
  name: z.string(),
  version: z.string(),
  key: z.string(),
  sourcePackage: z.string(),
  sourcePackageVersion: z.string(),
  converterVersion: z.string(),
  bytes: z.number().int(),
  sha256: z.string(),
  inputs: z.array(ioSchema),
  outputs: z.array(ioSchema),
  verification: z
    .object({
      reference: z.string(),
      maxAbsDiff: z.number(),
      relativeDiff: z.number(),
      tolerance: z.number(),
    })
    .nullable(),
  preparedAt: z.string(),
});

export type ModelManifest = z.infer<typeof manifestSchema>;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The cache key: changes whenever a source byte, the entry version or the converter version changes. */
export async function cacheKey(entry: ModelEntry, sourceDir: string): Promise<string> {
  const h = createHash('sha256').update(`${entry.name}\0${entry.version}\0${entry.converterVersion}\0`);
  for (const f of await entry.sourceFiles(sourceDir)) {
    h.update(`${f}\0`);
    h.update(await readFile(join(sourceDir, f)));
  }
  return h.digest('hex');
}

export class ModelCache {
  constructor(readonly dir: string) {}

  modelPath(name: string): string {
    return join(this.dir, `${name}.onnx`);
  }

  manifestPath(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  /** The manifest, or undefined when the model is not prepared (or its files are inconsistent). */
  async manifest(name: string): Promise<ModelManifest | undefined> {
    let raw: string;
    try {
      raw = await readFile(this.manifestPath(name), 'utf8');
    } catch {
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return undefined; // a damaged manifest means "not prepared": the next prepare rewrites it
    }
    const parsed = manifestSchema.safeParse(json);
    if (!parsed.success) return undefined;
    const size = await stat(this.modelPath(name)).then(
      (s) => s.size,
      () => -1,
    );
    return size === parsed.data.bytes ? parsed.data : undefined;
  }

  /** Writes the model, then its manifest; each atomically. */
  async write(manifest: Omit<ModelManifest, 'bytes' | 'sha256'>, bytes: Uint8Array): Promise<ModelManifest> {
    await mkdir(this.dir, { recursive: true });
    const full: ModelManifest = { ...manifest, bytes: bytes.length, sha256: sha256(bytes) };
    await atomicWrite(this.modelPath(manifest.name), bytes);
    await atomicWrite(this.manifestPath(manifest.name), new TextEncoder().encode(JSON.stringify(full, null, 2) + '\n'));
    return full;
  }
}

async function atomicWrite(path: string, data: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
