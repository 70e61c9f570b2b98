import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { visionRuntime } from '../vision/vision.helper.ts';
import { holdInChild } from '../helpers/datadir.holder.ts';

const BIN = fileURLToPath(new URL('../../bin/facegate.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/images/${name}`, import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'facegate-cli-index-'));

/** Runs the CLI; the timeout makes a stuck model load fail the test instead of hanging it. */
const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args, '--data-dir', dataDir], { encoding: 'utf8', timeout: 120_000 });

before(async () => {
  await (await visionRuntime(['blazeface', 'facemesh', 'mobilefacenet'])).close();
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('facegate index and search (offline, on the embedded store)', () => {
  test('index reports each file: faces indexed from portraits, none from a photo without a face', () => {
    const r = run(
      'index',
      fixture('identity.jpg'),
      fixture('dani_640.jpg'),
      fixture('coffee.png'),
      '-c',
      'people',
      '--json',
      '--no-progress',
    );
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { externalImageId: string; indexed: string[] });
    assert.deepEqual(
      lines.map((l) => [l.externalImageId, l.indexed.length]),
      [
        ['identity', 1],
        ['dani_640', 1],
        ['coffee', 0],
      ],
    );
  });

  test('search finds the same person under their file name and nobody for a stranger', () => {
    const hit = run('search', fixture('looking_at_screen.jpg'), '-c', 'people', '--json');
    assert.equal(hit.status, 0, hit.stderr);
    const matches = (JSON.parse(hit.stdout) as { faceMatches: { face: { externalImageId: string } }[] }).faceMatches;
    assert.deepEqual(
      matches.map((m) => m.face.externalImageId),
      ['identity'],
    );
    const miss = run('search', fixture('grace_hopper_512x512.jpg'), '-c', 'people', '--json');
    assert.equal(miss.status, 0, miss.stderr);
    assert.equal((JSON.parse(miss.stdout) as { faceMatches: unknown[] }).faceMatches.length, 0);
  });

  test('a refusal is one line with its code and exit status 1, not a stack trace', () => {
    const r = run('search', fixture('coffee.png'), '-c', 'people');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^facegate: .*\(NO_FACE\)\n$/);
  });

  test('index refuses a data directory held by a live server process', async () => {
    const holder = await holdInChild(dataDir);
    try {
      const r = run('index', fixture('identity.jpg'), '-c', 'people', '--no-progress');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /in use by a Facegate server \(pid \d+\)/);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((res) => holder.once('exit', res));
    }
    // The holder was killed: its lock died with it, and its stale pid file does not block.
    const r = run('index', fixture('identity.jpg'), '-c', 'people', '--no-progress');
    assert.equal(r.status, 0, r.stderr);
  });
});
