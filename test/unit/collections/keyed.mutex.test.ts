import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedMutex } from '../../../src/collections/keyed.mutex.ts';

test('work on one key runs one at a time, in order, and a failure does not block the next', async () => {
  const m = new KeyedMutex();
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const first = m.run('k', async () => {
    log.push('1 start');
    await gate;
    log.push('1 end');
  });
  const failing = m.run('k', async () => {
    log.push('2');
    throw new Error('boom');
  });
  const third = m.run('k', async () => log.push('3'));
  const other = m.run('other', async () => log.push('other'));
  await other;
  assert.deepEqual(log, ['1 start', 'other'], 'another key is not blocked');
  release();
  await first;
  await assert.rejects(failing, /boom/);
  await third;
  assert.deepEqual(log, ['1 start', 'other', '1 end', '2', '3']);
});
