// Encryption at rest of Face Liveness frames: with a master key, liveness_frames.descriptor holds a sealed value (not
// the float32 bytes) on SQLite and Postgres, which reads back through the store and not through another session's
// binding; frames stored before encryption was switched on still read.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { BlobCipher } from '../../src/collections/metadata.port.ts';
import { loadConfig } from '../../src/config/config.ts';
import { openSqliteFile } from '../../src/db/sqlite.database.ts';
import { descriptorCipherOf } from '../../src/governance/crypto/crypto.factory.ts';
import { sealedKeyId } from '../../src/governance/crypto/encrypted.object-store.ts';
import { openPgLivenessStore } from '../../src/liveness/liveness.pg.driver.ts';
import { frameDescriptorAad } from '../../src/liveness/liveness.rows.ts';
import { SqliteLivenessStore } from '../../src/liveness/liveness.sqlite.driver.ts';
import type { LivenessStore } from '../../src/liveness/liveness.store.port.ts';
import { oneFace, open, session } from '../contract/liveness.store.fixture.ts';
import { freshPgSchema } from '../helpers/services.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'fg-liveness-enc-'));
  dirs.push(d);
  return d;
};
const cipherFor = (dataDir: string): BlobCipher =>
  descriptorCipherOf(
    loadConfig({}, { dataDir, governance: { masterKey: randomBytes(32).toString('base64') } }),
    dataDir,
  )!;
const D = [0.123, 0.456, 0.789, 0.321];
const floats = Buffer.from(Float32Array.from(D).buffer);

/** Stores one sealed frame and one written before encryption; checks the raw column, then reads both back. */
async function check(
  sealedStore: LivenessStore,
  plainStore: LivenessStore,
  rawDescriptors: (sessionId: string) => Promise<Buffer[]>,
  cipher: BlobCipher,
): Promise<void> {
  const s = session();
  await sealedStore.create(s);
  assert.deepEqual(await sealedStore.addFrame(s.id, { score: oneFace(0, D), objectKey: null }, ['k'], open), {
    seq: 1,
  });
  const [raw] = await rawDescriptors(s.id);
  assert.ok(raw && sealedKeyId(raw) !== undefined, 'the column holds a sealed value');
  assert.equal(raw.indexOf(floats), -1, 'no float32 bytes of the descriptor');
  assert.deepEqual([...(await sealedStore.frames(s.id))[0]!.score.descriptor!], [...Float32Array.from(D)]);
  assert.throws(() => cipher.open(raw, frameDescriptorAad('another-session')), /does not decrypt/);

  const old = session();
  await plainStore.create(old);
  await plainStore.addFrame(old.id, { score: oneFace(0, D), objectKey: null }, ['k'], open);
  assert.deepEqual((await rawDescriptors(old.id))[0], floats, 'without a key: float32 bytes');
  assert.deepEqual([...(await sealedStore.frames(old.id))[0]!.score.descriptor!], [...Float32Array.from(D)]);
}

test('liveness frame descriptors are sealed at rest on SQLite', async () => {
  const dir = tempDir();
  const db = openSqliteFile(join(dir, 'facegate.db'));
  const cipher = cipherFor(dir);
  const raw = async (id: string) =>
    (db.prepare('SELECT descriptor FROM liveness_frames WHERE session_id = ?').all(id) as { descriptor: Buffer }[]).map(
      (r) => Buffer.from(r.descriptor),
    );
  await check(new SqliteLivenessStore(db, cipher), new SqliteLivenessStore(db), raw, cipher);
  db.close();
});

test('liveness frame descriptors are sealed at rest on Postgres', async () => {
  const fresh = await freshPgSchema('liveness_enc');
  try {
    const cipher = cipherFor(tempDir());
    const raw = async (id: string) =>
      (
        await fresh.pool.query<{ descriptor: Buffer }>(
          `SELECT descriptor FROM "${fresh.schema}".liveness_frames WHERE session_id = $1`,
          [id],
        )
      ).rows.map((r) => r.descriptor);
    await check(
      await openPgLivenessStore(fresh.pool, fresh.schema, cipher),
      await openPgLivenessStore(fresh.pool, fresh.schema),
      raw,
      cipher,
    );
  } finally {
    await fresh.close();
  }
});
