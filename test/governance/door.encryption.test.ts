// Encryption at rest of the door's unknown visitors: with a master key, door_pending.descriptor and
// door_denials.descriptor hold sealed values (not the float32 bytes) on SQLite and Postgres, which read back with the
// key and not with another; rows stored before encryption was switched on still read; the DoorStore contract holds
// with the column sealed; after a data-key rotation `facegate keys reencrypt` re-seals them (and the plaintext ones).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { createContainer } from '../../src/app/container.ts';
import { pgDoorStore } from '../../src/apps/door/door.pg.driver.ts';
import { sqliteDoorStore } from '../../src/apps/door/door.sqlite.driver.ts';
import type { SqlDoorStore } from '../../src/apps/door/door.sql.store.ts';
import type { Denial, PendingVisit } from '../../src/apps/door/door.types.ts';
import type { BlobCipher } from '../../src/collections/metadata.port.ts';
import { loadConfig } from '../../src/config/config.ts';
import { openDeploymentDatabase } from '../../src/db/sqlite.database.ts';
import { PgEventOutbox } from '../../src/events/outbox.pg.ts';
import { createLogger } from '../../src/logger.ts';
import { SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import { descriptorCipherOf, keyringPath } from '../../src/governance/crypto/crypto.factory.ts';
import { sealedKeyId } from '../../src/governance/crypto/encrypted.object-store.ts';
import { Keyring, rotateDataKey } from '../../src/governance/crypto/keyring.ts';
import { stubEngine } from '../api/rekognition/stub.engine.ts';
import { doorStoreContract } from '../contract/door.contract.ts';
import { freshPgSchema } from '../helpers/services.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
const cipherFor = (dataDir: string, key: Buffer): BlobCipher =>
  descriptorCipherOf(loadConfig({}, { dataDir, governance: { masterKey: key.toString('base64') } }), dataDir)!;
const floats = (d: Float32Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);

const T0 = new Date(1_780_000_000_000);
const D = Float32Array.from([0.123, 0.456, 0.789, 0.321]);
const OLD = Float32Array.from([0.9, 0.1, 0.3, 0.2]);
const pending = (id: string, descriptor = D): PendingVisit => ({
  ...{ id, doorId: 'front', visitId: `visit-${id}`, state: 'pending', createdAt: T0, decidedAt: null },
  ...{ photos: [{ bucket: 'door', key: `pending/${id}/0.jpg`, createdAt: T0 }], descriptor, visitorId: null },
});
const denial = (id: string, pendingId: string): Denial => ({
  ...{ id, doorId: 'front', pendingId, descriptor: D },
  ...{ deniedAt: T0, until: new Date(T0.getTime() + 3_600_000) },
});
const decideDenied = (pendingId: string) => ({ pendingId, state: 'denied' as const, visitorId: null, at: T0 });

const contractDir = tempDir('fg-door-enc-contract-');
const contractKey = randomBytes(32);
doorStoreContract('sqlite, descriptors encrypted', async () => {
  const db = new BetterSqlite3(':memory:');
  const store = sqliteDoorStore(db, cipherFor(contractDir, contractKey));
  const outbox = new SqliteEventOutbox(db);
  return { store, events: () => outbox.list(), close: async () => void db.close() };
});
doorStoreContract('postgres, descriptors encrypted', async () => {
  const pg = await freshPgSchema('doorenc');
  const store = await pgDoorStore(pg.pool, pg.schema, cipherFor(contractDir, contractKey));
  const outbox = await PgEventOutbox.open(pg.pool, pg.schema);
  return { store, events: () => outbox.list(), close: () => pg.close() };
});

/** A row stored before encryption (`old`), then a request and its denial stored sealed (`q1`, `d1`). */
async function fill(plain: SqlDoorStore, sealed: SqlDoorStore): Promise<void> {
  await plain.commit({ pending: pending('old', OLD) }, T0);
  await sealed.commit({ pending: pending('q1') }, T0);
  await sealed.commit({ decide: decideDenied('q1'), denial: denial('d1', 'q1') }, T0);
}

/** What the sealed store reads back: the request, the denial and the plaintext row from before. */
async function assertReadsBack(store: SqlDoorStore): Promise<void> {
  assert.deepEqual((await store.getPending('q1'))!.descriptor, D);
  assert.deepEqual(
    (await store.activeDenials('front', T0)).map((d) => d.descriptor),
    [D],
  );
  assert.deepEqual((await store.getPending('old'))!.descriptor, OLD, 'a row from before encryption still reads');
}

function assertSealed(stored: Buffer[]): void {
  assert.ok(stored.length > 0);
  for (const b of stored) {
    assert.equal(b.subarray(0, 4).toString(), 'FGE1');
    assert.equal(b.indexOf(floats(D)), -1, 'no float32 bytes in the column');
  }
}

test('on SQLite the door descriptors are sealed in the file and need the key', async () => {
  const dir = tempDir('fg-door-enc-');
  const key = randomBytes(32);
  const database = openDeploymentDatabase(dir);
  try {
    const store = sqliteDoorStore(database.db, cipherFor(dir, key));
    await fill(sqliteDoorStore(database.db), store);
    const raw = (table: string) =>
      (database.db.prepare(`SELECT descriptor FROM ${table} WHERE id != 'old'`).all() as { descriptor: Buffer }[]).map(
        (r) => r.descriptor,
      );
    assertSealed([...raw('door_pending'), ...raw('door_denials')]);
    await assertReadsBack(store);
    const other = sqliteDoorStore(database.db, cipherFor(tempDir('fg-door-enc-other-'), randomBytes(32)));
    await assert.rejects(other.getPending('q1'), { code: 'ENCRYPTION_FAILED' });
    await assert.rejects(other.activeDenials('front', T0), { code: 'ENCRYPTION_FAILED' });
  } finally {
    database.close();
  }
  const file = join(dir, 'facegate.db');
  const bytes = Buffer.concat([
    readFileSync(file),
    existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.of(),
  ]);
  assert.equal(bytes.indexOf(floats(D)), -1, 'no float32 bytes of a sealed descriptor in the database file');
  assert.notEqual(bytes.indexOf(floats(OLD)), -1, 'the row from before encryption is plaintext until reencrypt');
});

test('on Postgres the door descriptors are sealed in the column and need the key', async () => {
  const pg = await freshPgSchema('doorenc');
  try {
    const dir = tempDir('fg-door-enc-pg-');
    const store = await pgDoorStore(pg.pool, pg.schema, cipherFor(dir, randomBytes(32)));
    await fill(await pgDoorStore(pg.pool, pg.schema), store);
    const raw = async (table: string) =>
      (
        await pg.pool.query<{ descriptor: Buffer }>(`SELECT descriptor FROM "${pg.schema}".${table} WHERE id != 'old'`)
      ).rows.map((r) => r.descriptor);
    assertSealed([...(await raw('door_pending')), ...(await raw('door_denials'))]);
    await assertReadsBack(store);
    const other = await pgDoorStore(pg.pool, pg.schema, cipherFor(tempDir('fg-door-enc-pg-o-'), randomBytes(32)));
    await assert.rejects(other.getPending('q1'), { code: 'ENCRYPTION_FAILED' });
  } finally {
    await pg.close();
  }
});

const reencrypt = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['bin/facegate.js', 'keys', 'reencrypt'], {
    encoding: 'utf8',
    env: { ...process.env, FACEGATE_LOG_LEVEL: 'silent', FACEGATE_DATABASE_URL: '', ...env },
    timeout: 60_000,
  });

test('facegate keys reencrypt re-seals the door descriptors on SQLite under the rotated key', async () => {
  const dataDir = tempDir('fg-door-rot-');
  const master = randomBytes(32);
  const database = openDeploymentDatabase(dataDir);
  await fill(sqliteDoorStore(database.db), sqliteDoorStore(database.db, cipherFor(dataDir, master)));
  database.close();
  const first = new Keyring(keyringPath(dataDir), master).active().id;
  const second = rotateDataKey(keyringPath(dataDir), master);
  const env = { FACEGATE_DATA_DIR: dataDir, FACEGATE_MASTER_KEY: master.toString('base64') };
  const run = reencrypt(env);
  assert.equal(run.status, 0, run.stderr);
  // q1, d1 (under the first key) and the plaintext row.
  assert.match(run.stdout, /^0 face descriptors, 3 door descriptors re-sealed under the active data key \(sqlite\)/);
  assert.match(reencrypt(env).stdout, /0 door descriptors/, 'a second run finds nothing to do');
  const reopened = openDeploymentDatabase(dataDir);
  try {
    const keys = ['door_pending', 'door_denials'].flatMap((t) =>
      (reopened.db.prepare(`SELECT descriptor FROM ${t}`).all() as { descriptor: Buffer }[]).map((r) =>
        sealedKeyId(r.descriptor),
      ),
    );
    assert.notEqual(first, second);
    assert.deepEqual(keys, [second, second, second]);
    await assertReadsBack(sqliteDoorStore(reopened.db, cipherFor(dataDir, master)));
  } finally {
    reopened.close();
  }
});

test('facegate keys reencrypt re-seals the door descriptors on Postgres under the rotated key', async () => {
  const pg = await freshPgSchema('doorrot');
  try {
    const dataDir = tempDir('fg-door-rot-pg-');
    const master = randomBytes(32);
    await fill(
      await pgDoorStore(pg.pool, pg.schema),
      await pgDoorStore(pg.pool, pg.schema, cipherFor(dataDir, master)),
    );
    const second = rotateDataKey(keyringPath(dataDir), master);
    const env = {
      ...{ FACEGATE_DATA_DIR: dataDir, FACEGATE_MASTER_KEY: master.toString('base64') },
      ...{ FACEGATE_DATABASE_URL: pg.url, FACEGATE_DATABASE_SCHEMA: pg.schema },
    };
    const run = reencrypt(env);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^0 face descriptors, 0 vector rows, 3 door descriptors re-sealed .* \(postgres\)/);
    assert.match(reencrypt(env).stdout, /0 door descriptors/, 'a second run finds nothing to do');
    const { rows } = await pg.pool.query<{ descriptor: Buffer }>(
      `SELECT descriptor FROM "${pg.schema}".door_pending UNION ALL SELECT descriptor FROM "${pg.schema}".door_denials`,
    );
    assert.deepEqual(
      rows.map((r) => sealedKeyId(r.descriptor)),
      [second, second, second],
    );
    await assertReadsBack(await pgDoorStore(pg.pool, pg.schema, cipherFor(dataDir, master)));
  } finally {
    await pg.close();
  }
});

test("the container seals a stranger's descriptor at the door when a master key is configured", async () => {
  const dataDir = tempDir('fg-door-enc-app-');
  const config = loadConfig({ FACEGATE_MASTER_KEY: randomBytes(32).toString('base64') }, { dataDir });
  const container = createContainer(config, createLogger('silent'), { overrides: { engine: stubEngine } });
  try {
    const door = await container.get('door');
    await door.service.defineDoor({ id: 'front', name: 'Front door' });
    const snapshots = [
      { jpeg: Uint8Array.of(0xff, 0xd8, 0xff), box: { left: 0, top: 0, width: 1, height: 1 }, quality: 90 },
    ];
    const visit = (id: string) => ({
      ...{ id, cameraId: 'cam', doorId: 'front', collectionId: 'door-front', trackId: id, snapshots },
      ...{
        verdict: { kind: 'unknown' as const, bestSimilarity: null },
        firstSeenAt: new Date(),
        decidedAt: new Date(),
      },
      ...{ framesSeen: 3, descriptor: D },
    });
    const outcome = await door.service.handleVisit(visit('visit-1'));
    assert.equal(outcome.kind, 'unknown');
    const { db } = (await container.get('database')).sqlite;
    const row = db.prepare('SELECT descriptor FROM door_pending WHERE id = ?').get(outcome.pendingId) as {
      descriptor: Buffer;
    };
    assertSealed([row.descriptor]);
    // The same stranger again does not page the owner twice: the service read the sealed descriptor back.
    assert.equal((await door.service.handleVisit(visit('visit-2'))).kind, 'suppressed');
  } finally {
    await container.close();
  }
});

test("facegate keys reencrypt re-seals the door descriptors in the door's own Postgres", async () => {
  const pg = await freshPgSchema('doorown');
  try {
    const dataDir = tempDir('fg-door-rot-own-');
    const master = randomBytes(32);
    await fill(
      await pgDoorStore(pg.pool, pg.schema),
      await pgDoorStore(pg.pool, pg.schema, cipherFor(dataDir, master)),
    );
    const second = rotateDataKey(keyringPath(dataDir), master);
    // An embedded deployment whose door lives in Postgres (FACEGATE_DOOR_DATABASE_URL).
    const run = reencrypt({
      ...{ FACEGATE_DATA_DIR: dataDir, FACEGATE_MASTER_KEY: master.toString('base64') },
      ...{ FACEGATE_DOOR_DATABASE_URL: pg.url, FACEGATE_DOOR_DATABASE_SCHEMA: pg.schema },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^0 face descriptors, 3 door descriptors re-sealed .* \(sqlite\)/);
    const { rows } = await pg.pool.query<{ descriptor: Buffer }>(`SELECT descriptor FROM "${pg.schema}".door_pending`);
    assert.deepEqual(
      rows.map((r) => sealedKeyId(r.descriptor)),
      [second, second],
    );
  } finally {
    await pg.close();
  }
});
