// `facegate serve --role worker` as a process: it says what it is, answers health checks, serves no API, and
// stops cleanly; the data-directory lock still applies on the embedded default.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const BIN = new URL('../../bin/facegate.js', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'facegate-roles-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const args = ['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--no-auth'];

test('serve --role worker serves only health routes, holds the embedded data directory, exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, [BIN, ...args, '--role', 'worker'], {
    env: { ...process.env, FACEGATE_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /health: (http:\/\/\S+)\/healthz/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    assert.match(out, /Facegate worker is running/);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.equal((await fetch(`${url}/v1/collections`)).status, 404);
    // A second process on the same embedded data directory is refused, naming what the directory holds.
    const second = spawnSync(process.execPath, [BIN, ...args, '--role', 'api'], {
      env: { ...process.env, FACEGATE_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(second.status, 2);
    assert.match(second.stderr, /collections, people and keys \(SQLite\)/);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      // Guard: a shutdown that hangs ends as SIGKILL, which fails the exit-code assertion instead of hanging.
      const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
      const [code] = (await exited) as [number | null];
      clearTimeout(guard);
      assert.equal(code, 0);
    }
  }
});
