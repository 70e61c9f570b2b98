import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { objectStoreContract } from './object-store.contract.ts';

objectStoreContract('local directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'facegate-objects-'));
  return { store: new LocalObjectStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

test('local object store: traversal-looking keys create files only inside the bucket directory', async () => {
  const root = await mkdtemp(join(tmpdir(), 'facegate-objects-'));
  try {
    const store = new LocalObjectStore(join(root, 'objects'));
    await store.put('bucket', '../../outside', new Uint8Array([1]));
    await store.put('bucket', '/abs', new Uint8Array([2])).catch(() => undefined);
    assert.deepEqual(await readdir(root), ['objects']);
    assert.deepEqual(await readdir(join(root, 'objects')), ['bucket']);
    const files = await readdir(join(root, 'objects', 'bucket'), { recursive: true });
    assert.ok(
      files.every((f) => !f.startsWith('#tmp')),
      'no temporary file is left behind',
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
