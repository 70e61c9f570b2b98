// A server that cannot listen exits non-zero at once, naming the reason, and leaves the data directory free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holdDataDir } from '../../src/app/datadir.lock.ts';

const BIN = new URL('../../bin/facegate.js', import.meta.url).pathname;

test('serve on a port already in use exits non-zero and releases the lock', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-listen-'));
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as AddressInfo).port;
  try {
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--no-auth', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir],
      { env: { ...process.env, FACEGATE_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // A guard, not a timing assertion: a server that keeps running is killed and fails the exit-code check.
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((r) =>
      child.once('exit', (c, s) => r([c, s])),
    );
    clearTimeout(guard);
    assert.equal(signal, null, `killed by the guard: ${err}`);
    assert.notEqual(code, 0);
    assert.match(err, /EADDRINUSE|in use/);
    holdDataDir(dataDir)();
  } finally {
    busy.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
