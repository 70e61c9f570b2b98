// Encryption at rest of stored descriptors: the MetadataStore contract holds with the descriptor column sealed;
// the BLOBs on disk do not contain the float32 bytes; a store opened without the key (or with another) cannot
// read them back.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SqliteMetadataStore } from '../../src/collections/sqlite.metadata.driver.ts';
import { loadConfig } from '../../src/config/config.ts';
import { descriptorCipherOf } from '../../src/governance/crypto/crypto.factory.ts';
import { faceRow, metadataStoreContract } from '../contract/metadata.contract.ts';

const cipherFor = (dataDir: string, key: Buffer) =>
  descriptorCipherOf(loadConfig({}, { dataDir, governance: { masterKey: key.toString('base64') } }), dataDir)!;

const contractDir = mkdtempSync(join(tmpdir(), 'fg-desc-contract-'));
const contractKey = randomBytes(32);
after(() => rmSync(contractDir, { recursive: true, force: true }));
metadataStoreContract(
  'SQLite, descriptors encrypted',
  async () => new SqliteMetadataStore({ path: ':memory:', descriptorCipher: cipherFor(contractDir, contractKey) }),
);

test('sealed descriptors are not on disk in the clear and need the key to be read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-desc-'));
  try {
    const key = randomBytes(32);
    const path = join(dir, 'facegate.db');
    const descriptor = Float32Array.from([0.48, 0.6, 0.64, 0]);
    const store = new SqliteMetadataStore({ path, descriptorCipher: cipherFor(dir, key) });
    await store.createCollection({
      id: 'c',
      faceModelVersion: 'test-v1',
      descriptorSize: 4,
      createdAt: new Date(),
      tags: {},
    });
    await store.insertFaces([faceRow('c', 'f1', { descriptor })]);
    const [got] = await store.getFaces('c', ['f1']);
    assert.deepEqual(got!.descriptor, descriptor);
    const scanned = [];
    for await (const d of store.scanDescriptors()) scanned.push(d);
    assert.deepEqual(scanned[0]!.descriptor, descriptor);
    await store.close();
    assert.equal(readFileSync(path).indexOf(Buffer.from(descriptor.buffer)), -1, 'no float32 bytes in the file');

    const other = new SqliteMetadataStore({ path, descriptorCipher: cipherFor(join(dir, 'other'), randomBytes(32)) });
    await assert.rejects(other.getFaces('c', ['f1']), { code: 'ENCRYPTION_FAILED' });
    await other.close();
    const none = new SqliteMetadataStore({ path });
    await assert.rejects(async () => {
      for await (const _ of none.scanDescriptors()) void _;
    }, /not float32|descriptor/);
    await none.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
