// Subject access and erasure through the real server (REST over the container, embedded SQLite + local objects),
// with an engine that gives this person a unique descriptor: the export holds every item; after erasure and a
// clean stop, no file under the data directory contains the person's name, e-mail, phone, descriptor bytes, photo
// or thumbnail bytes, their audit entries are redacted with the chain intact, and they are never matched again.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { FaceEngine } from '../../src/vision/vision.types.ts';
import { startServer } from '../api/rekognition/rekognition.harness.ts';
import { face, stubEngine } from '../api/rekognition/stub.engine.ts';
import { filesUnder } from '../helpers/files.helper.ts';

const PHOTO = readFileSync('test/fixtures/images/dani_640.jpg');
// A unit 4-d descriptor no other data in the directory could contain by chance.
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

const files = filesUnder;

test('export holds everything; erasure leaves no trace on disk and the person is never matched again', async () => {
  const h = await startServer({ overrides: { engine } });
  const dataDir = h.dataDir;
  let closed = false;
  try {
    const key = (await (await h.container.get('restKeys')).create({ name: 'ops', role: 'admin' })).key;
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(h.url + path, {
        method,
        headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: r.status, bytes: Buffer.from(await r.arrayBuffer()) };
    };
    const json = (r: { bytes: Buffer }) => JSON.parse(r.bytes.toString('utf8'));
    const tag = seed.toString('hex');
    const who = {
      name: `Zelda Quux ${tag}`,
      email: `zelda.${tag}@example.org`,
      phone: `+33 6 ${parseInt(tag, 16) % 1e8}`,
    };
    const consent = { purpose: 'door access', method: 'written', givenBy: who.name, textVersion: 'v3' };
    const reg = await call('POST', '/v1/people', { ...who, consent, photos: [PHOTO.toString('base64')] });
    assert.equal(reg.status, 201, reg.bytes.toString());
    const person = json(reg) as { personId: string; photos: { photoId: string; faceId: string }[] };
    const thumb = (
      await call('GET', `/v1/people/${person.personId}/photos/${person.photos[0]!.photoId}?size=thumbnail`)
    ).bytes;
    assert.ok(thumb.length > 100);
    const ident = json(await call('POST', '/v1/identify', { image: PHOTO.toString('base64') }));
    assert.equal(ident.matches[0].person.personId, person.personId);
    const pipeline = await h.container.get('pipeline');
    await pipeline.notifyStore.addSms({ to: who.phone, body: `${who.name} is at the door`, eventId: null });

    const exp = await call('GET', `/v1/people/${person.personId}/export`);
    assert.equal(exp.status, 200, exp.bytes.toString());
    const doc = json(exp);
    assert.equal(doc.sections.people.records.person.email, who.email);
    assert.deepEqual(
      doc.sections.people.records.faces.map((f: { faceId: string }) => f.faceId),
      [person.photos[0]!.faceId],
    );
    const photoFiles = doc.sections.people.files as { name: string; base64: string }[];
    assert.deepEqual(Buffer.from(photoFiles[0]!.base64, 'base64'), PHOTO);
    assert.deepEqual(Buffer.from(photoFiles[1]!.base64, 'base64'), thumb);
    assert.equal(doc.sections.consent.records[0].textVersion, 'v3');
    assert.equal(doc.sections.pipeline.records.sms[0].recipient, who.phone);
    const ops = doc.sections.audit.records.map((e: { operation: string }) => e.operation);
    assert.deepEqual(ops, ['registerPerson', 'identify']);

    const del = await call('DELETE', `/v1/people/${person.personId}`);
    assert.equal(del.status, 200, del.bytes.toString());
    assert.equal((await call('GET', `/v1/people/${person.personId}`)).status, 404);
    // While the server still runs: the erasure checkpointed the WAL, so the database files already hold no trace.
    for (const f of files(dataDir).filter((p) => /\.db(-wal)?$/.test(p))) {
      const bytes = readFileSync(f);
      for (const [what, needle] of [
        ['name', who.name],
        ['e-mail', who.email],
        ['phone', who.phone],
      ] as const) {
        assert.equal(bytes.indexOf(Buffer.from(needle)), -1, `${what} found in ${f} before the stop`);
      }
      assert.equal(bytes.indexOf(Buffer.from(descriptor.buffer)), -1, `descriptor found in ${f} before the stop`);
    }
    const again = json(await call('POST', '/v1/identify', { image: PHOTO.toString('base64'), threshold: 0 }));
    assert.equal(again.unknown, true, 'never matched again');
    const audit = (await h.container.get('governance')).audit;
    const entries = await audit.list({ limit: 100 });
    assert.deepEqual(
      entries.map((e) => e.operation),
      ['registerPerson', 'identify', 'exportPerson', 'deletePerson', 'identify'],
    );
    assert.deepEqual(
      entries.slice(0, 3).map((e) => e.personal),
      [null, null, null],
      'entries naming them are redacted',
    );
    assert.equal((await audit.verify()).ok, true);

    const schedule = await call('GET', '/v1/retention');
    assert.equal(schedule.status, 200, schedule.bytes.toString());
    assert.deepEqual(Object.keys(json(schedule).collections), ['people']);
    const purge = await call('POST', '/v1/retention/run');
    assert.equal(purge.status, 200, purge.bytes.toString());
    assert.equal(json(purge).removed.audit, 0, 'a fresh install has nothing due');

    await h.app.close();
    await h.container.close();
    closed = true;
    const needles: [string, Buffer][] = [
      ['name', Buffer.from(who.name)],
      ['e-mail', Buffer.from(who.email)],
      ['phone', Buffer.from(who.phone)],
      ['descriptor', Buffer.from(descriptor.buffer)],
      ['photo', PHOTO.subarray(PHOTO.length >> 1, (PHOTO.length >> 1) + 64)],
      ['thumbnail', thumb.subarray(thumb.length >> 1, (thumb.length >> 1) + 64)],
    ];
    const all = files(dataDir);
    assert.ok(
      all.some((f) => f.endsWith('.db') || f.endsWith('.sqlite')),
      `scanned ${all.join(', ')}`,
    );
    for (const f of all) {
      const bytes = readFileSync(f);
      for (const [what, needle] of needles) assert.equal(bytes.indexOf(needle), -1, `${what} found in ${f}`);
    }
  } finally {
    if (!closed) await h.close();
    else await h.close().catch(() => undefined);
  }
});

test('withdrawing consent erases the person and reports what was removed', async () => {
  const h = await startServer({ overrides: { engine } });
  try {
    const key = (await (await h.container.get('restKeys')).create({ name: 'ops' })).key;
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    const consent = { purpose: 'door access', method: 'electronic', givenBy: 'Ada', textVersion: 'v1' };
    const reg = await fetch(`${h.url}/v1/people`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Ada', consent, photos: [PHOTO.toString('base64')] }),
    });
    const { personId } = (await reg.json()) as { personId: string };
    const w = await fetch(`${h.url}/v1/people/${personId}/consent/withdraw`, {
      method: 'POST',
      headers: { 'x-api-key': key },
    });
    assert.equal(w.status, 200);
    const report = (await w.json()) as { removed: Record<string, number> };
    assert.deepEqual([report.removed.consent, report.removed.people, report.removed.audit], [1, 4, 1]);
    assert.equal((await fetch(`${h.url}/v1/people/${personId}`, { headers })).status, 404);
    const c = await fetch(`${h.url}/v1/people/${personId}/consent`, { headers });
    assert.deepEqual(await c.json(), { consents: [] });
  } finally {
    await h.close();
  }
});
