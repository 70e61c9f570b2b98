// `facegate migrate --to postgres` with encryption at rest: descriptors sealed on SQLite (faces, the door's requests
// and denials) are opened on the way and sealed again under the active data key on Postgres, plaintext ones stored
// before encryption was switched on included, so the target holds no descriptor in the clear; the Postgres stores
// read them back with the keyring, both sides verify, and without the master key a sealed descriptor stops the copy.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pgDoorStore } from '../../src/apps/door/door.pg.driver.ts';
import { sqliteDoorStore } from '../../src/apps/door/door.sqlite.driver.ts';
import type { PendingVisit } from '../../src/apps/door/door.types.ts';
import { openPgMetadataStore } from '../../src/collections/pg.metadata.driver.ts';
import { SqliteMetadataStore } from '../../src/collections/sqlite.metadata.driver.ts';
import { loadConfig } from '../../src/config/config.ts';
import { comparePg, copyToPg } from '../../src/db/pg.copy.ts';
import { openDeploymentDatabase } from '../../src/db/sqlite.database.ts';
import { descriptorCipherOf } from '../../src/governance/crypto/crypto.factory.ts';
import { faceRow } from '../contract/metadata.contract.ts';
import { freshPgSchema } from '../helpers/services.ts';

const T = new Date(1_780_000_000_000);
const SEALED = Float32Array.from([0.123, 0.456, 0.789, 0.321]);
const PLAIN = Float32Array.from([0.9, 0.1, 0.3, 0.2]);
const floats = (d: Float32Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);
const pending = (id: string, descriptor: Float32Array): PendingVisit => ({
  ...{ id, doorId: 'front', visitId: `visit-${id}`, state: 'pending', createdAt: T, decidedAt: null },
  ...{ photos: [], descriptor, visitorId: null },
});

test('migrate seals every descriptor on Postgres when the master key is set', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-copy-sealed-'));
  const pg = await freshPgSchema('copysealed');
  const master = randomBytes(32);
  const config = loadConfig({}, { dataDir: dir, governance: { masterKey: master.toString('base64') } });
  const cipher = descriptorCipherOf(config, dir)!;
  try {
    const d = openDeploymentDatabase(dir);
    // Rows from before encryption was switched on (plaintext), then rows sealed at rest.
    const plainMeta = new SqliteMetadataStore({ db: d.db });
    await plainMeta.createCollection({ id: 'c', faceModelVersion: 'v', descriptorSize: 4, createdAt: T, tags: {} });
    await plainMeta.insertFaces([faceRow('c', 'f0', { descriptor: PLAIN })]);
    const meta = new SqliteMetadataStore({ db: d.db, descriptorCipher: cipher });
    await meta.insertFaces([faceRow('c', 'f1', { descriptor: SEALED })]);
    await sqliteDoorStore(d.db).commit({ pending: pending('old', PLAIN) }, T);
    const door = sqliteDoorStore(d.db, cipher);
    await door.commit({ pending: pending('q1', SEALED) }, T);
    await door.commit(
      {
        decide: { pendingId: 'q1', state: 'denied', visitorId: null, at: T },
        denial: { id: 'd1', doorId: 'front', pendingId: 'q1', descriptor: SEALED, deniedAt: T, until: new Date(2e12) },
      },
      T,
    );

    await assert.rejects(copyToPg(d.db, pg.pool, pg.schema), { code: 'INVALID_PARAMETER' }, 'no key, no copy');
    const report = await copyToPg(d.db, pg.pool, pg.schema, undefined, { descriptors: cipher });
    assert.ok(
      report.every((r) => r.same),
      JSON.stringify(report.filter((r) => !r.same)),
    );
    const rows = Object.fromEntries(report.map((r) => [r.table, r.pgRows]));
    assert.deepEqual([rows.faces, rows.door_pending, rows.door_denials], [2, 2, 1]);

    // Every descriptor column on Postgres is sealed, the plaintext rows of SQLite included.
    const s = `"${pg.schema}"`;
    const { rows: stored } = await pg.pool.query<{ b: Buffer }>(
      `SELECT descriptor AS b FROM ${s}.faces UNION ALL SELECT descriptor FROM ${s}.door_pending
       UNION ALL SELECT descriptor FROM ${s}.door_denials`,
    );
    assert.equal(stored.length, 5);
    for (const { b } of stored) {
      assert.equal(b.subarray(0, 4).toString(), 'FGE1');
      assert.equal(b.indexOf(floats(SEALED)), -1);
      assert.equal(b.indexOf(floats(PLAIN)), -1);
    }

    // The Postgres stores read them back with the keyring as the SQLite stores do.
    const pgMeta = await openPgMetadataStore(pg.pool, pg.schema, { descriptorCipher: cipher });
    assert.deepEqual(await pgMeta.getFaces('c', ['f0', 'f1']), await meta.getFaces('c', ['f0', 'f1']));
    const pgDoor = await pgDoorStore(pg.pool, pg.schema, cipher);
    for (const id of ['old', 'q1']) assert.deepEqual(await pgDoor.getPending(id), await door.getPending(id));
    assert.deepEqual(await pgDoor.activeDenials('front', T), await door.activeDenials('front', T));

    // --check opens both sides: the same with the key; without it, sealed values stop the comparison.
    assert.ok((await comparePg(d.db, pg.pool, pg.schema, { descriptors: cipher })).every((r) => r.same));
    await assert.rejects(comparePg(d.db, pg.pool, pg.schema), { code: 'INVALID_PARAMETER' });
    d.close();

    const cli = spawnSync(process.execPath, ['bin/facegate.js', 'migrate', '--to', 'postgres', '--check', '--json'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        ...{ FACEGATE_DATA_DIR: dir, FACEGATE_DATABASE_URL: pg.url, FACEGATE_DATABASE_SCHEMA: pg.schema },
        ...{ FACEGATE_MASTER_KEY: master.toString('base64'), FACEGATE_LOG_LEVEL: 'silent' },
      },
      timeout: 60_000,
    });
    assert.equal(cli.status, 0, cli.stderr + cli.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pg.close();
  }
});
