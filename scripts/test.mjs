// Runs every test file under test/ (or the paths given) with node's test runner and tsx's loader.
// Node 20's --test does not expand globs or find .ts files itself, so the list is built here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : walk(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

const args = process.argv.slice(2);
const files = (args.length ? args : ['test']).flatMap((p) => (statSync(p).isDirectory() ? walk(p) : [p])).sort();
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, FACEGATE_LOG_LEVEL: process.env.FACEGATE_LOG_LEVEL ?? 'silent' } },
);
process.exit(r.status ?? 1);
