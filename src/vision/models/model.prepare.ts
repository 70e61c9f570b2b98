// `facegate models prepare`: converts every catalogue model into the cache, verified, unless the cache already holds
// it under the same key. Idempotent; a re-run with a warm cache only hashes the source files.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toFacegateError } from '../../errors.ts';
import { logger } from '../../logger.ts';
import { cacheKey, packageDir, type ModelCache, type ModelManifest } from './model.cache.ts';
import type { ModelEntry } from './model.entry.ts';
import { verifyModel } from './model.verify.ts';

const log = logger.child({ module: 'models.prepare' });

export type PrepareStatus = 'cached' | 'prepared' | 'failed';

export interface PrepareResult {
  name: string;
  status: PrepareStatus;
  manifest?: ModelManifest;
  error?: Error;
  ms: number;
}

export interface PrepareOptions {
  /** Re-convert even when the cache key matches. */
  force?: boolean;
  onResult?: (r: PrepareResult) => void;
}

async function packageVersion(dir: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

export async function prepareModel(cache: ModelCache, entry: ModelEntry, force = false): Promise<PrepareResult> {
  const started = performance.now();
  const ms = (): number => Math.round(performance.now() - started);
  try {
    const dir = packageDir(entry.sourcePackage);
    const key = await cacheKey(entry, dir);
    const existing = await cache.manifest(entry.name);
    if (!force && existing?.key === key) return { name: entry.name, status: 'cached', manifest: existing, ms: ms() };
    const bytes = await entry.convert(dir);
    const verification = await verifyModel(entry, dir, bytes);
    const manifest = await cache.write(
      {
        name: entry.name,
        version: entry.version,
        key,
        sourcePackage: entry.sourcePackage,
        sourcePackageVersion: await packageVersion(dir),
        converterVersion: entry.converterVersion,
        inputs: entry.inputs,
        outputs: entry.outputs,
        verification,
        preparedAt: new Date().toISOString(),
      },
      bytes,
    );
    log.debug({ model: entry.name, bytes: manifest.bytes, verification, ms: ms() }, 'model prepared');
    return { name: entry.name, status: 'prepared', manifest, ms: ms() };
  } catch (e) {
    const error = toFacegateError(e);
    log.error({ model: entry.name, err: e }, 'model preparation failed');
    return { name: entry.name, status: 'failed', error: e instanceof Error ? e : error, ms: ms() };
  }
}

/** Prepares the given entries one after another (conversion is CPU-bound; the machine is shared). */
export async function prepareModels(
  cache: ModelCache,
  entries: readonly ModelEntry[],
  options: PrepareOptions = {},
): Promise<PrepareResult[]> {
  const results: PrepareResult[] = [];
  for (const entry of entries) {
    const r = await prepareModel(cache, entry, options.force);
    options.onResult?.(r);
    results.push(r);
  }
  return results;
}
