// `facegate models prepare | list`: converts the npm-shipped models to ONNX into the cache, and shows the cache.
import type { Command } from 'commander';
import { loadConfig } from '../config/config.ts';
import { CATALOG } from '../vision/models/model.catalog.ts';
import { cacheKey, ModelCache, modelCacheDir, packageDir } from '../vision/models/model.cache.ts';
import { prepareModels, type PrepareResult } from '../vision/models/model.prepare.ts';
import type { ModelEntry } from '../vision/models/model.entry.ts';

function select(only: string | undefined): ModelEntry[] {
  if (!only) return CATALOG;
  const names = only.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !CATALOG.some((e) => e.name === n));
  if (unknown.length)
    throw new Error(`unknown model(s): ${unknown.join(', ')}; known: ${CATALOG.map((e) => e.name).join(', ')}`);
  return CATALOG.filter((e) => names.includes(e.name));
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

function printResult(r: PrepareResult): void {
  const v = r.manifest?.verification;
  const check = v ? `max diff ${v.maxAbsDiff.toExponential(1)} (rel ${v.relativeDiff.toExponential(1)})` : '';
  if (r.status === 'failed') console.log(`  ✗ ${r.name.padEnd(14)} FAILED: ${r.error?.message ?? 'unknown error'}`);
  else
    console.log(
      `  ✓ ${r.name.padEnd(14)} ${r.status.padEnd(8)} ${mb(r.manifest?.bytes ?? 0).padStart(8)}  ${check}  ${r.ms} ms`,
    );
}

async function prepare(opts: { force?: boolean; only?: string }): Promise<void> {
  const cache = new ModelCache(modelCacheDir(loadConfig()));
  const entries = select(opts.only);
  console.log(`Preparing ${entries.length} model(s) in ${cache.dir}`);
  const started = performance.now();
  const results = await prepareModels(cache, entries, { force: opts.force, onResult: printResult });
  const count = (s: PrepareResult['status']): number => results.filter((r) => r.status === s).length;
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${count('prepared')} prepared, ${count('cached')} cached, ${count('failed')} failed in ${secs} s`);
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length) {
    console.error(`${failed.length} model(s) failed: ${failed.map((r) => r.name).join(', ')}`);
    process.exitCode = 1;
  }
}

async function list(): Promise<void> {
  const cache = new ModelCache(modelCacheDir(loadConfig()));
  console.log(`Model cache: ${cache.dir}`);
  console.log(
    `${'name'.padEnd(14)} ${'source'.padEnd(22)} ${'input'.padEnd(20)} ${'size'.padStart(8)}  ${'vs original'.padEnd(11)}  status`,
  );
  for (const e of CATALOG) {
    const m = await cache.manifest(e.name);
    let status = 'missing';
    if (m) {
      const key = await cacheKey(e, packageDir(e.sourcePackage)).catch(() => undefined);
      status = key === m.key ? 'ready' : 'stale (run models prepare)';
    }
    const input = `[${e.inputs[0]?.shape.join(',') ?? ''}]`;
    const diff = m?.verification ? m.verification.relativeDiff.toExponential(1) : '-';
    console.log(
      `${e.name.padEnd(14)} ${e.sourcePackage.padEnd(22)} ${input.padEnd(20)} ${(m ? mb(m.bytes) : '-').padStart(8)}  ${diff.padEnd(11)}  ${status}`,
    );
  }
}

export function register(program: Command): void {
  const models = program.command('models').description('Model cache: convert npm-shipped models to ONNX, list them');
  models
    .command('prepare')
    .description('convert and verify every catalogue model into the cache (skips models already cached)')
    .option('--force', 're-convert even when the cache is up to date')
    .option('--only <names>', 'comma-separated model names')
    .action(prepare);
  models.command('list', { isDefault: true }).description('show catalogue models and their cache status').action(list);
}
