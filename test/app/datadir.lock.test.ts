// One server per data directory, by an OS lock that dies with its process: a live holder (another process) is
// refused, a killed one's leftover facegate.pid does not block, nor does a pid file naming an unrelated live process.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holdDataDir } from '../../src/app/datadir.lock.ts';
import { holdInChild } from '../helpers/datadir.holder.ts';

describe('data directory lock', () => {
  test('a live holder blocks; once it is killed (-9) its stale pid file does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'facegate-lock-'));
    try {
      const child = await holdInChild(dir);
      assert.throws(() => holdDataDir(dir), new RegExp(`in use by a Facegate server \\(pid ${child.pid}\\)`));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const release = holdDataDir(dir);
      release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a pid file naming an unrelated live process (a reused pid) does not block', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facegate-lock-'));
    try {
      writeFileSync(join(dir, 'facegate.pid'), `${process.ppid}\n`);
      const release = holdDataDir(dir);
      release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
