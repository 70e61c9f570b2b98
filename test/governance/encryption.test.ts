// Encryption at rest: objects on disk do not contain the plaintext, decrypt after a data-key rotation (also in a
// running keyring, without a restart) and after re-wrapping under a new master key; a wrong key fails clearly;
// through the server, stored photos and thumbnails are encrypted and still served.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encryptedObjectStore, isEncrypted } from '../../src/governance/crypto/encrypted.object-store.ts';
import { Keyring, rewrapKeyring, rotateDataKey } from '../../src/governance/crypto/keyring.ts';
import { keyringPath } from '../../src/governance/crypto/crypto.factory.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import type { FaceEngine } from '../../src/vision/vision.types.ts';
import { startServer } from '../api/rekognition/rekognition.harness.ts';
import { face, stubEngine } from '../api/rekognition/stub.engine.ts';
import { filesUnder } from '../helpers/files.helper.ts';

const PHOTO = readFileSync('test/fixtures/images/dani_640.jpg');
const files = filesUnder;
const containsPlaintext = (dir: string, plain: Buffer) =>
  files(dir).some((f) => readFileSync(f).indexOf(plain.subarray(plain.length >> 1, (plain.length >> 1) + 32)) >= 0);

test('objects are sealed on disk, survive rotation and re-wrapping, and refuse a wrong key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-crypto-'));
  try {
    const master = randomBytes(32);
    const path = join(dir, 'keys', 'data-keys.json');
    const raw = new LocalObjectStore(join(dir, 'objects'));
    const running = new Keyring(path, master);
    const store = encryptedObjectStore(raw, running);
    await store.put('people', 'a.jpg', PHOTO);
    assert.equal(containsPlaintext(join(dir, 'objects'), PHOTO), false, 'no plaintext on disk');
    assert.ok(isEncrypted((await raw.get('people', 'a.jpg'))!.body));
    assert.deepEqual(Buffer.from((await store.get('people', 'a.jpg'))!.body), PHOTO);

    // Rotation by another process (the CLI): the running keyring picks the new key up when it meets it.
    const first = running.active().id;
    const second = rotateDataKey(path, master);
    assert.notEqual(second, first);
    const rotated = encryptedObjectStore(raw, new Keyring(path, master));
    await rotated.put('people', 'b.jpg', PHOTO);
    assert.deepEqual(Buffer.from((await store.get('people', 'b.jpg'))!.body), PHOTO, 'read with a key rotated in');
    assert.deepEqual(Buffer.from((await rotated.get('people', 'a.jpg'))!.body), PHOTO, 'old objects still read');

    // A ciphertext moved to another name does not decrypt.
    await raw.put('people', 'moved.jpg', (await raw.get('people', 'a.jpg'))!.body);
    await assert.rejects(store.get('people', 'moved.jpg'), { code: 'ENCRYPTION_FAILED', message: /altered or moved/ });

    // A wrong master key fails at start, naming the problem.
    assert.throws(() => new Keyring(path, randomBytes(32)), {
      code: 'ENCRYPTION_FAILED',
      message: /master key does not open data key .* \(wrong FACEGATE_MASTER_KEY\?\)/,
    });

    // Re-wrapping under a new master key: the new one opens everything, the old one no longer does.
    const next = randomBytes(32);
    assert.equal(rewrapKeyring(path, master, next), 2);
    const after = encryptedObjectStore(raw, new Keyring(path, next));
    assert.deepEqual(Buffer.from((await after.get('people', 'a.jpg'))!.body), PHOTO);
    assert.deepEqual(Buffer.from((await after.get('people', 'b.jpg'))!.body), PHOTO);
    assert.throws(() => new Keyring(path, master), { code: 'ENCRYPTION_FAILED' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('through the server, photos and thumbnails are stored encrypted and served in the clear', async () => {
  const engine: FaceEngine = {
    ...stubEngine,
    async analyze(image) {
      const faces = image[0] === 0xff ? [face(0.3, [1, 0.2, 0, 0])] : [];
      return { image: { width: 640, height: 480, format: 'jpeg', orientation: 1 }, faces };
    },
  };
  const keyDir = mkdtempSync(join(tmpdir(), 'fg-master-'));
  const keyFile = join(keyDir, 'master.key');
  writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  const h = await startServer({ overrides: { engine } }, { FACEGATE_MASTER_KEY_FILE: keyFile });
  try {
    const key = (await (await h.container.get('restKeys')).create({ name: 'ops' })).key;
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    const reg = await fetch(`${h.url}/v1/people`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Dani', photos: [PHOTO.toString('base64')] }),
    });
    assert.equal(reg.status, 201, await reg.clone().text());
    const person = (await reg.json()) as { personId: string; photos: { photoId: string }[] };
    const photoUrl = `${h.url}/v1/people/${person.personId}/photos/${person.photos[0]!.photoId}`;
    const served = Buffer.from(await (await fetch(photoUrl, { headers })).arrayBuffer());
    assert.deepEqual(served, PHOTO);
    const thumb = Buffer.from(await (await fetch(`${photoUrl}?size=thumbnail`, { headers })).arrayBuffer());
    assert.equal(thumb[0], 0xff, 'the thumbnail is served as a JPEG');
    const objects = join(h.dataDir, 'objects');
    assert.equal(containsPlaintext(objects, PHOTO), false);
    assert.equal(containsPlaintext(objects, thumb), false);
    for (const f of files(objects)) assert.ok(isEncrypted(readFileSync(f)), `${f} is sealed`);

    // The descriptor column is sealed too: neither the database nor its WAL holds the float32 bytes.
    const plainDescriptor = Buffer.from(face(0.3, [1, 0.2, 0, 0]).descriptor!.buffer);
    for (const f of files(h.dataDir).filter((p) => /facegate\.db/.test(p))) {
      assert.equal(readFileSync(f).indexOf(plainDescriptor), -1, `descriptor in ${f}`);
    }
    rotateDataKey(keyringPath(h.dataDir), Buffer.from(readFileSync(keyFile, 'utf8'), 'base64'));
    const more = await fetch(`${h.url}/v1/people/${person.personId}/photos`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ photos: [PHOTO.toString('base64')] }),
    });
    assert.equal(more.status, 201, 'writes continue across a rotation, without a restart');
    assert.deepEqual(Buffer.from(await (await fetch(photoUrl, { headers })).arrayBuffer()), PHOTO);
  } finally {
    await h.close();
    rmSync(keyDir, { recursive: true, force: true });
  }
});

test('facegate keys rotate-data-key adds an active key; a wrong master key is refused by name', async () => {
  const { spawnSync } = await import('node:child_process');
  const dataDir = mkdtempSync(join(tmpdir(), 'fg-rotate-'));
  const cli = (masterKey: string) =>
    spawnSync(process.execPath, ['bin/facegate.js', 'keys', 'rotate-data-key'], {
      encoding: 'utf8',
      env: { ...process.env, FACEGATE_DATA_DIR: dataDir, FACEGATE_LOG_LEVEL: 'silent', FACEGATE_MASTER_KEY: masterKey },
      timeout: 60_000,
    });
  try {
    const master = randomBytes(32);
    new Keyring(keyringPath(dataDir), master);
    const ok = cli(master.toString('base64'));
    assert.equal(ok.status, 0, ok.stderr);
    const file = JSON.parse(readFileSync(keyringPath(dataDir), 'utf8')) as { active: string; keys: { id: string }[] };
    assert.equal(file.keys.length, 2);
    assert.equal(file.active, file.keys[1]!.id);
    assert.match(ok.stdout, new RegExp(`data key ${file.active} is now active`));
    const wrong = cli(randomBytes(32).toString('base64'));
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /master key does not open data key/);
    const short = cli(randomBytes(16).toString('base64'));
    assert.match(short.stderr, /FACEGATE_MASTER_KEY must be the base64 of 32 random bytes/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
