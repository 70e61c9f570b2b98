// Erasure on a Postgres deployment, end to end through the server (FACEGATE_DATABASE_URL, encryption at rest on,
// the in-process vector index kept in step through Postgres): the server's own data directory is scanned. Before
// the erasure the person's name, e-mail and phone are in the database's table files (the scan finds what is there)
// and the descriptor is not (sealed in faces and vector_rows); after the erasure and a CHECKPOINT no table file of
// the database holds any of them (the erased rows' tables were rewritten). What the WAL still holds is reported.
// The test runs in a database of its own: a transaction of another database's client cannot hold back its vacuum.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FaceEngine } from '../../src/vision/vision.types.ts';
import { startServer } from '../api/rekognition/rekognition.harness.ts';
import { face, stubEngine } from '../api/rekognition/stub.engine.ts';
import { filesUnder } from '../helpers/files.helper.ts';
import pg from 'pg';
import { postgresUrl } from '../helpers/services.ts';

const PHOTO = readFileSync('test/fixtures/images/dani_640.jpg');
const seed = randomBytes(4);
const raw = [1, ...[...seed.subarray(0, 3)].map((b) => (b + 1) / 512)];
const descriptor = new Float32Array(raw.map((x) => x / Math.hypot(...raw)));
const engine: FaceEngine = {
  ...stubEngine,
  async analyze(image, options) {
    const faces =
      image[0] === 0xff ? [{ ...face(0.3, [...descriptor]), descriptor: new Float32Array(descriptor) }] : [];
    return {
      image: { width: 640, height: 480, format: 'jpeg', orientation: 1 },
      faces: faces.slice(0, options?.maxFaces ?? 100),
    };
  },
};

/** Which of `needles` each file under `dir` holds (files that hold none are left out). */
function scan(dir: string, needles: [string, Buffer][]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const f of filesUnder(dir)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(f);
    } catch {
      continue; // a file unlinked while scanning (a checkpoint removing an old relation file)
    }
    const hits = needles.filter(([, n]) => bytes.indexOf(n) >= 0).map(([what]) => what);
    if (hits.length) found.set(f, hits);
  }
  return found;
}

/** A database of its own on the tests' server (dropped by `close`). */
async function freshDatabase() {
  const admin = new pg.Pool({ connectionString: postgresUrl(), max: 1, connectionTimeoutMillis: 3000 });
  const name = `fg_erase_${randomBytes(5).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl());
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.href, max: 2 });
  return {
    url: url.href,
    pool,
    close: async () => {
      await pool.end();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    },
  };
}

test('on Postgres an erased person leaves no trace in the table files after a checkpoint', async (t) => {
  const db = await freshDatabase();
  try {
    const { rows } = await db.pool.query<{ dir: string; oid: number }>(
      `SELECT current_setting('data_directory') AS dir, oid FROM pg_database WHERE datname = current_database()`,
    );
    const base = join(rows[0]!.dir, 'base', String(rows[0]!.oid));
    try {
      accessSync(base, constants.R_OK);
    } catch {
      return t.skip(`the server's data directory ${base} is not readable here (a remote server?)`);
    }
    const env = {
      FACEGATE_DATABASE_URL: db.url,
      FACEGATE_VECTOR_INDEX: 'memory',
      FACEGATE_MASTER_KEY: randomBytes(32).toString('base64'),
    };
    const h = await startServer({ overrides: { engine } }, env);
    try {
      const key = (await (await h.container.get('restKeys')).create({ name: 'ops', role: 'admin' })).key;
      const call = async (method: string, path: string, body?: unknown) => {
        const r = await fetch(h.url + path, {
          method,
          headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        return { status: r.status, text: await r.text() };
      };
      const tag = seed.toString('hex');
      const who = {
        name: `Wilhelmina Quarrelsome ${tag}`,
        email: `w.quarrelsome.${tag}@example.org`,
        phone: `+4930${parseInt(tag, 16) % 1e8}`,
      };
      const consent = { purpose: 'door access', method: 'written', givenBy: who.name, textVersion: 'v3' };
      const reg = await call('POST', '/v1/people', { ...who, consent, photos: [PHOTO.toString('base64')] });
      assert.equal(reg.status, 201, reg.text);
      const { personId } = JSON.parse(reg.text) as { personId: string };
      const ident = await call('POST', '/v1/identify', { image: PHOTO.toString('base64') });
      assert.match(ident.text, new RegExp(personId));
      await (
        await h.container.get('pipeline')
      ).notifyStore.addSms({
        to: who.phone,
        body: `${who.name}, your code is 1234`,
        eventId: null,
      });
      const needles: [string, Buffer][] = [
        ['name', Buffer.from(who.name)],
        ['e-mail', Buffer.from(who.email)],
        ['phone', Buffer.from(who.phone)],
        ['descriptor', Buffer.from(descriptor.buffer)],
      ];

      await db.pool.query('CHECKPOINT');
      const before = [...scan(base, needles).values()].flat();
      for (const what of ['name', 'e-mail', 'phone']) assert.ok(before.includes(what), `${what} is in the tables`);
      assert.ok(!before.includes('descriptor'), 'the descriptor is sealed at rest (faces, vector_rows)');

      const del = await call('DELETE', `/v1/people/${personId}`);
      assert.equal(del.status, 200, del.text);
      await db.pool.query('CHECKPOINT');
      const after = scan(base, needles);
      assert.deepEqual(Object.fromEntries(after), {}, 'no table file holds the erased person');

      // What Postgres keeps regardless (reported, not asserted): the WAL, until its segments are recycled.
      const wal = join(rows[0]!.dir, 'pg_wal');
      if (existsSync(wal)) {
        const inWal = scan(wal, needles);
        t.diagnostic(
          `WAL segments still holding erased values: ${
            [...inWal].map(([f, w]) => `${f.slice(wal.length + 1)} (${w.join(', ')})`).join('; ') || 'none'
          }`,
        );
      }
    } finally {
      await h.close();
    }
  } finally {
    await db.close();
  }
});
