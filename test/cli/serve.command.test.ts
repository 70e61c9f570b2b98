// `facegate serve` as a user runs it: a child process, the banner on stdout, a generated key pair shown once,
// and a clean exit on SIGTERM.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { ListCollectionsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';

const BIN = new URL('../../bin/facegate.js', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'facegate-serve-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts `facegate serve` and resolves with its stdout once the banner is complete (or rejects if it exits). */
async function serve(args: string[]): Promise<{ child: ChildProcess; banner: string }> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, ...args],
    {
      // The S3 endpoint off: its default port 9000 is shared by every test process on the machine.
      env: { ...process.env, FACEGATE_LOG_LEVEL: 'silent', FACEGATE_S3_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const banner = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      // The banner ends with the health line (no auth) or the key lines.
      if (/readiness/.test(out) && /access key id|AUTHENTICATION IS DISABLED/.test(out))
        setImmediate(() => {
          clearTimeout(guard);
          resolve(out);
        });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${out}\n${err}`)));
    // A guard, not a timing assertion: a server that never starts fails the test instead of hanging the suite.
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve printed no banner within 120 s:\n${out}\n${err}`));
    }, 120_000);
    child.once('exit', () => clearTimeout(guard));
  });
  return { child, banner };
}

async function stop(child: ChildProcess): Promise<number | string | null> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  // Guard: a shutdown that hangs ends as SIGKILL, which fails the exit-code assertion instead of hanging the suite.
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const [code, signal] = (await exited) as [number | null, string | null];
  clearTimeout(guard);
  return code ?? signal;
}

describe('facegate serve', () => {
  test('prints the endpoint and a key pair once that the SDK can call with; exits 0 on SIGTERM', async () => {
    const first = await serve([]);
    const url = /listening on (http:\/\/[^\s]+)/.exec(first.banner)?.[1];
    assert.ok(url, first.banner);
    assert.match(first.banner, /any region works/);
    const secret = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(first.banner)?.[1];
    const keyId = /AWS_ACCESS_KEY_ID=(\S+)/.exec(first.banner)?.[1];
    assert.ok(secret && keyId, 'the generated secret is shown on first start');
    assert.equal(statSync(join(dataDir, 'credentials.json')).mode & 0o777, 0o600);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    // What the banner tells a user is enough to call the API (the call waits while the models load).
    const client = new RekognitionClient({
      endpoint: url,
      region: 'sa-east-1',
      credentials: { accessKeyId: keyId, secretAccessKey: secret },
    });
    const listed = await client.send(new ListCollectionsCommand({}));
    assert.deepEqual(listed.CollectionIds, []);
    client.destroy();
    assert.equal(await stop(first.child), 0);

    const second = await serve([]);
    assert.match(second.banner, new RegExp(`access key id: ${keyId}`));
    assert.doesNotMatch(second.banner, new RegExp(secret.replace(/[+/=]/g, '.')), 'the secret is never printed again');
    assert.equal(await stop(second.child), 0);
  });

  test('--no-auth warns loudly', async () => {
    const { child, banner } = await serve(['--no-auth']);
    assert.match(banner, /AUTHENTICATION IS DISABLED/);
    assert.equal(await stop(child), 0);
  });
});
