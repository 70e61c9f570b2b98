import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/facegate.js', import.meta.url));

function facegate(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, FACEGATE_LOG_LEVEL: 'silent', ...env },
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out }));
  });
}

describe('facegate models', () => {
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'facegate-cli-models-'));
    env = { FACEGATE_MODELS_DIR: dir };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('list shows every catalogue model as missing in an empty cache', async () => {
    const r = await facegate(['models', 'list'], env);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /liveness\s+@vladmandic\/human\s+\[N,32,32,3\]\s+-\s+-\s+missing/);
    assert.match(r.out, /nsfw\s+nsfwjs/);
  });

  test('prepare --only converts the named model, a second run finds it cached, and list shows it ready', async () => {
    const first = await facegate(['models', 'prepare', '--only', 'liveness'], env);
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /liveness\s+prepared/);
    const second = await facegate(['models', 'prepare', '--only', 'liveness'], env);
    assert.match(second.out, /liveness\s+cached/);
    const list = await facegate(['models', 'list'], env);
    assert.match(list.out, /liveness .* ready/);
  });

  test('prepare with an unknown model name fails and names the known ones', async () => {
    const r = await facegate(['models', 'prepare', '--only', 'nope'], env);
    assert.notEqual(r.code, 0);
    assert.match(r.out, /unknown model\(s\): nope; known: blazeface/);
  });
});
