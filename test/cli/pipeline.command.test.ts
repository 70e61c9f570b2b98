// `facegate pipeline worker` starts without HTTP and stops cleanly on SIGTERM; `pipeline runs` lists nothing on a
// fresh data directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const BIN = join(import.meta.dirname, '../../bin/facegate.js');

test('pipeline worker prints its banner and exits 0 on SIGTERM', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-cli-pipe-'));
  const child = spawn(process.execPath, [BIN, 'pipeline', 'worker', '--data-dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, FACEGATE_LOG_LEVEL: 'silent' },
  });
  try {
    const banner = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`worker exited (${code}) before its banner`)));
    });
    assert.match(banner, /^pipeline worker on .* \(sqlite queue, 2 steps at once\)$/);
    const exit = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pipeline runs on a fresh data directory prints no run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-cli-pipe-'));
  try {
    const r = spawnSync(process.execPath, [BIN, 'pipeline', 'runs', '--data-dir', dir], {
      encoding: 'utf8',
      env: { ...process.env, FACEGATE_LOG_LEVEL: 'silent' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
