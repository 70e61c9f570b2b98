// Encryption at rest of descriptors on Postgres: the MetadataStore contract holds with the faces table's descriptor
// column sealed; the column holds no float32 bytes and needs the key; the in-process index's rows (vector_rows) are
// sealed too, and a second process with the same keyring loads them; with pgvector (PGlite) the faces table is
// sealed while face_vectors necessarily holds the vectors in the clear. A data-key rotation followed by
// `facegate keys reencrypt` re-seals every stored descriptor under the new key, on Postgres and on SQLite.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type pg from 'pg';
import { openPgMetadataStore } from '../../src/collections/pg.metadata.driver.ts';
import { PgVectorIndex } from '../../src/collections/pgvector.vector.driver.ts';
import { SqliteMetadataStore } from '../../src/collections/sqlite.metadata.driver.ts';
import { SyncedVectorIndex } from '../../src/collections/synced.vector.driver.ts';
import { loadConfig } from '../../src/config/config.ts';
import { openDeploymentDatabase } from '../../src/db/sqlite.database.ts';
import { descriptorCipherOf, keyringPath } from '../../src/governance/crypto/crypto.factory.ts';
import { sealedKeyId } from '../../src/governance/crypto/encrypted.object-store.ts';
import { Keyring, rewrapKeyring, rotateDataKey } from '../../src/governance/crypto/keyring.ts';
import { createLogger } from '../../src/logger.ts';
import { faceRow, metadataStoreContract } from '../contract/metadata.contract.ts';
import { pgliteUnavailable, startPgliteServer } from '../helpers/pglite.server.ts';
import { freshPgSchema } from '../helpers/services.ts';

const logger = createLogger('silent');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
const cipherFor = (dataDir: string, key: Buffer) =>
  descriptorCipherOf(loadConfig({}, { dataDir, governance: { masterKey: key.toString('base64') } }), dataDir)!;
const collection = (id: string, size = 4) => ({
  id,
  faceModelVersion: 'test-v1',
  descriptorSize: size,
  createdAt: new Date(),
  tags: {},
});
const floats = (d: Float32Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);
const rawColumn = async (pool: pg.Pool, sql: string) =>
  (await pool.query<{ b: Buffer }>(sql)).rows.map((r) => Buffer.from(r.b));

const contractDir = tempDir('fg-desc-pg-contract-');
const contractKey = randomBytes(32);
metadataStoreContract('Postgres, descriptors encrypted', async () => {
  const fresh = await freshPgSchema('encmeta');
  const store = await openPgMetadataStore(fresh.pool, fresh.schema, {
    descriptorCipher: cipherFor(contractDir, contractKey),
  });
  const close = store.close.bind(store);
  return Object.assign(store, { close: async () => (await close(), await fresh.close()) });
});

test('on Postgres the faces table holds sealed descriptors that need the key', async () => {
  const fresh = await freshPgSchema('encmeta');
  try {
    const dir = tempDir('fg-desc-pg-');
    const key = randomBytes(32);
    const descriptor = Float32Array.from([0.48, 0.6, 0.64, 0]);
    const store = await openPgMetadataStore(fresh.pool, fresh.schema, { descriptorCipher: cipherFor(dir, key) });
    await store.createCollection(collection('c'));
    await store.insertFaces([faceRow('c', 'f1', { descriptor })]);
    assert.deepEqual((await store.getFaces('c', ['f1']))[0]!.descriptor, descriptor);
    const scanned = [];
    for await (const d of store.scanDescriptors()) scanned.push(d.descriptor);
    assert.deepEqual(scanned, [descriptor]);
    const [stored] = await rawColumn(fresh.pool, `SELECT descriptor AS b FROM "${fresh.schema}".faces`);
    assert.equal(stored!.subarray(0, 4).toString(), 'FGE1');
    assert.equal(stored!.indexOf(floats(descriptor)), -1, 'no float32 bytes in the column');

    const other = await openPgMetadataStore(fresh.pool, fresh.schema, {
      descriptorCipher: cipherFor(tempDir('fg-desc-pg-other-'), randomBytes(32)),
    });
    await assert.rejects(other.getFaces('c', ['f1']), { code: 'ENCRYPTION_FAILED' });
    const none = await openPgMetadataStore(fresh.pool, fresh.schema);
    await assert.rejects(async () => {
      for await (const _ of none.scanDescriptors()) void _;
    }, /not float32/);
  } finally {
    await fresh.close();
  }
});

test('without pgvector the in-process index stores sealed rows; another process with the keyring loads them', async () => {
  const fresh = await freshPgSchema('encsync');
  const indexes: SyncedVectorIndex[] = [];
  try {
    const dir = tempDir('fg-desc-sync-');
    const key = randomBytes(32);
    const open = async (cipher = cipherFor(dir, key)) => {
      const index = await SyncedVectorIndex.open({ pool: fresh.pool, schema: fresh.schema, logger, cipher });
      indexes.push(index);
      return index;
    };
    const a = await open();
    const v = Float32Array.from([0.6, 0.8, 0, 0]);
    await a.add('c', [
      { id: 'f1', vector: v },
      { id: 'f2', vector: Float32Array.from([0, 0, 0.6, 0.8]) },
    ]);
    for (const b of await rawColumn(fresh.pool, `SELECT embedding AS b FROM "${fresh.schema}".vector_rows`)) {
      assert.equal(b.subarray(0, 4).toString(), 'FGE1');
      assert.equal(b.indexOf(floats(v)), -1);
    }
    const b = await open();
    assert.equal((await b.search('c', v, 1))[0]!.id, 'f1');
    await assert.rejects(open(cipherFor(tempDir('fg-desc-sync-other-'), randomBytes(32))), {
      code: 'ENCRYPTION_FAILED',
    });
  } finally {
    for (const i of indexes) await i.close();
    await fresh.close();
  }
});

test('with pgvector (PGlite) the faces table is sealed and face_vectors holds the vectors in the clear', async (t) => {
  const missing = await pgliteUnavailable();
  if (missing) return t.skip(missing);
  const server = await startPgliteServer();
  try {
    const fresh = await server.freshSchema('encpgv');
    const cipher = cipherFor(tempDir('fg-desc-pgv-'), randomBytes(32));
    const store = await openPgMetadataStore(fresh.pool, fresh.schema, { descriptorCipher: cipher });
    const index = await PgVectorIndex.open({ pool: fresh.pool, schema: fresh.schema });
    const descriptor = Float32Array.from([0.48, 0.6, 0.64, 0]);
    await store.createCollection(collection('c'));
    await store.insertFaces([faceRow('c', 'f1', { descriptor })]);
    await index.add('c', [{ id: 'f1', vector: descriptor }]);
    const [sealed] = await rawColumn(fresh.pool, `SELECT descriptor AS b FROM "${fresh.schema}".faces`);
    assert.equal(sealed!.indexOf(floats(descriptor)), -1, 'faces.descriptor is sealed');
    const { rows } = await fresh.pool.query<{ e: string }>(
      `SELECT embedding::text AS e FROM "${fresh.schema}".face_vectors`,
    );
    const clear = Float32Array.from(JSON.parse(rows[0]!.e) as number[]);
    assert.deepEqual(clear, descriptor, 'face_vectors is plaintext: an index cannot search ciphertext');
    assert.equal((await index.search('c', descriptor, 1))[0]!.id, 'f1');
    await fresh.close();
  } finally {
    await server.stop();
  }
});

test('after a rotation, facegate keys reencrypt re-seals every descriptor on Postgres under the new key', async () => {
  const fresh = await freshPgSchema('encrot');
  const dataDir = tempDir('fg-desc-rot-');
  const master = randomBytes(32);
  const index: SyncedVectorIndex[] = [];
  try {
    const store = await openPgMetadataStore(fresh.pool, fresh.schema, { descriptorCipher: cipherFor(dataDir, master) });
    const synced = await SyncedVectorIndex.open({
      ...{ pool: fresh.pool, schema: fresh.schema, logger, cipher: cipherFor(dataDir, master) },
    });
    index.push(synced);
    const d1 = Float32Array.from([1, 0, 0, 0]);
    await store.createCollection(collection('c'));
    await store.insertFaces([faceRow('c', 'f1', { descriptor: d1 })]);
    await synced.add('c', [{ id: 'f1', vector: d1 }]);
    const first = new Keyring(keyringPath(dataDir), master).active().id;
    const second = rotateDataKey(keyringPath(dataDir), master);

    const faceKeys = async () =>
      (await rawColumn(fresh.pool, `SELECT descriptor AS b FROM "${fresh.schema}".faces ORDER BY face_id`)).map(
        sealedKeyId,
      );
    const rowKeys = async () =>
      (await rawColumn(fresh.pool, `SELECT embedding AS b FROM "${fresh.schema}".vector_rows ORDER BY face_id`)).map(
        sealedKeyId,
      );
    // A process started after the rotation seals new faces under the new key; the old one still reads.
    const after = await openPgMetadataStore(fresh.pool, fresh.schema, { descriptorCipher: cipherFor(dataDir, master) });
    await after.insertFaces([faceRow('c', 'f2', { descriptor: Float32Array.from([0, 1, 0, 0]) })]);
    assert.deepEqual(await faceKeys(), [first, second]);
    assert.deepEqual(await rowKeys(), [first]);

    const cli = () =>
      spawnSync(process.execPath, ['bin/facegate.js', 'keys', 'reencrypt'], {
        encoding: 'utf8',
        env: {
          ...process.env,
          FACEGATE_DATA_DIR: dataDir,
          FACEGATE_LOG_LEVEL: 'silent',
          FACEGATE_MASTER_KEY: master.toString('base64'),
          FACEGATE_DATABASE_URL: fresh.url,
          FACEGATE_DATABASE_SCHEMA: fresh.schema,
        },
        timeout: 60_000,
      });
    const run = cli();
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      /1 face descriptors, 1 vector rows, 0 door descriptors re-sealed under the active data key \(postgres\)/,
    );
    assert.deepEqual(await faceKeys(), [second, second]);
    assert.deepEqual(await rowKeys(), [second]);
    assert.match(cli().stdout, /^0 face descriptors, 0 vector rows/, 'a second run finds nothing to do');

    // Re-wrapping under a new master key leaves the descriptors readable with the new one only.
    const next = randomBytes(32);
    rewrapKeyring(keyringPath(dataDir), master, next);
    const reopened = await openPgMetadataStore(fresh.pool, fresh.schema, {
      descriptorCipher: cipherFor(dataDir, next),
    });
    assert.deepEqual((await reopened.getFaces('c', ['f1']))[0]!.descriptor, d1);
    const again = await SyncedVectorIndex.open({
      ...{ pool: fresh.pool, schema: fresh.schema, logger, cipher: cipherFor(dataDir, next) },
    });
    index.push(again);
    assert.equal((await again.search('c', d1, 1))[0]!.id, 'f1');
  } finally {
    for (const i of index) await i.close();
    await fresh.close();
  }
});

test('facegate keys reencrypt re-seals the SQLite descriptor column too (the server stopped)', async () => {
  const dataDir = tempDir('fg-desc-rot-sqlite-');
  const master = randomBytes(32);
  const database = openDeploymentDatabase(dataDir);
  const store = new SqliteMetadataStore({ db: database.db, descriptorCipher: cipherFor(dataDir, master) });
  await store.createCollection(collection('c'));
  await store.insertFaces([faceRow('c', 'f1', { descriptor: Float32Array.from([1, 0, 0, 0]) })]);
  database.close();
  const second = rotateDataKey(keyringPath(dataDir), master);
  const run = spawnSync(process.execPath, ['bin/facegate.js', 'keys', 'reencrypt'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      FACEGATE_DATA_DIR: dataDir,
      FACEGATE_LOG_LEVEL: 'silent',
      FACEGATE_MASTER_KEY: master.toString('base64'),
      FACEGATE_DATABASE_URL: '',
    },
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^1 face descriptors, 0 door descriptors re-sealed under the active data key \(sqlite\)/);
  const reopened = openDeploymentDatabase(dataDir);
  try {
    const row = reopened.db.prepare('SELECT descriptor FROM faces').get() as { descriptor: Buffer };
    assert.equal(sealedKeyId(row.descriptor), second);
  } finally {
    reopened.close();
  }
});
