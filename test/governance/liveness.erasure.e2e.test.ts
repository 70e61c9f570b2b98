// A person's liveness sessions through the real server (embedded SQLite, local objects): `personId` on
// POST /v1/liveness/sessions must name a person the key may reach; a session is linked later through
// PUT /v1/liveness/sessions/{id}/subject, once. The person's export holds their sessions with the images (inline and
// output bucket) and kept frames; erasing them deletes the sessions, and after a clean stop no file under the data
// directory holds the bytes of any of their frames, while an unlinked session's frame is still there.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { FaceEngine } from '../../src/vision/vision.types.ts';
import { startServer, type Harness } from '../api/rekognition/rekognition.harness.ts';
import { face, stubEngine } from '../api/rekognition/stub.engine.ts';
import { filesUnder } from '../helpers/files.helper.ts';
import { freshPgSchema } from '../helpers/services.ts';

const PHOTO = readFileSync('test/fixtures/images/dani_640.jpg');
// Every image starting 0xff shows one face (frontal: the session fails the turn, but keeps reference and audits).
const engine: FaceEngine = {
  ...stubEngine,
  async analyze(image) {
    return {
      image: { width: 640, height: 480, format: 'jpeg', orientation: 1 },
      faces: image[0] === 0xff ? [{ ...face(0.3, [1, 0, 0, 0]), liveness: 90 }] : [],
    };
  },
};
const frame = () => Buffer.concat([Buffer.from([0xff, 0xd8]), randomBytes(64)]);

/** The files under `dir` holding `needle`. */
const holding = (dir: string, needle: Buffer) => filesUnder(dir).filter((f) => readFileSync(f).indexOf(needle) >= 0);

/** REST calls with an admin key (or `key`), people registration and frames posted to a session. */
async function client(h: Harness) {
  const keys = await h.container.get('restKeys');
  const admin = (await keys.create({ name: 'ops', role: 'admin' })).key;
  const call = async (method: string, path: string, body?: unknown, key = admin) => {
    const r = await fetch(h.url + path, {
      method,
      headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const register = async (name: string) => {
    const r = await call('POST', '/v1/people', { name, photos: [PHOTO.toString('base64')] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return String(r.body.personId);
  };
  const post = async (id: string, n: number) => {
    const sent = Array.from({ length: n }, frame);
    for (const image of sent) {
      const r = await call('POST', `/liveness/sessions/${id}/frames`, { image: image.toString('base64') });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    return sent;
  };
  return { keys, admin, call, register, post };
}

test('liveness sessions are linked to a person, exported with them and erased without a trace', async () => {
  const h = await startServer({ overrides: { engine } });
  let closed = false;
  try {
    const { keys, admin, call, register, post } = await client(h);
    const [personId, otherId] = [await register('Lia Vos'), await register('Ode Ray')];
    const create = (body: Record<string, unknown>, key = admin) => call('POST', '/v1/liveness/sessions', body, key);

    // personId: well formed, existing, and within the key's scope.
    const unknown = await create({ personId: randomUUID() });
    assert.deepEqual([unknown.status, unknown.body.code], [404, 'NOT_FOUND']);
    assert.equal((await create({ personId: 'Lia' })).status, 400);
    const key = async (apps: ('proctor' | 'door' | 'verify')[], collections?: string[]) =>
      (await keys.create({ name: apps.join('+'), role: 'operator', apps, ...(collections && { collections }) })).key;
    const proctorOnly = await create({ personId }, await key(['proctor']));
    assert.deepEqual([proctorOnly.status, proctorOnly.body.code], [403, 'SCOPE_DENIED']);
    const otherCollection = await create({ personId }, await key(['door', 'verify'], ['door-x']));
    assert.deepEqual([otherCollection.status, otherCollection.body.code], [403, 'SCOPE_DENIED']);
    const made = await create({ personId, auditImagesLimit: 1 }, await key(['proctor', 'verify']));
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const inline = String(made.body.sessionId);
    const output = String((await create({ personId, auditImagesLimit: 1, bucket: 'live-out' })).body.sessionId);
    const open = String((await create({ personId })).body.sessionId);
    const unlinked = String((await create({})).body.sessionId);

    // Linked after the fact, once: another person is refused.
    const later = String((await create({})).body.sessionId);
    const link = (id: string, who: string) => call('PUT', `/v1/liveness/sessions/${id}/subject`, { personId: who });
    assert.deepEqual((await link(later, personId)).body, { sessionId: later, personId });
    const taken = await link(later, otherId);
    assert.deepEqual([taken.status, taken.body.code], [409, 'CONFLICT']);
    const missing = await link(randomUUID(), personId);
    assert.deepEqual([missing.status, missing.body.code], [404, 'LIVENESS_SESSION_NOT_FOUND']);
    const audit = (await h.container.get('governance')).audit;
    const linked = await audit.list({ subject: personId, limit: 100 });
    assert.deepEqual(
      linked.filter((e) => e.operation === 'linkLivenessSession').map((e) => e.outcome),
      ['ok'],
      'the link is audited, naming the person',
    );

    const frames = [...(await post(inline, 3)), ...(await post(output, 3)), ...(await post(open, 1))];
    for (const id of [inline, output]) {
      assert.equal((await call('POST', `/liveness/sessions/${id}/complete`)).body.status, 'FAILED');
    }
    const [kept] = await post(unlinked, 1);

    const exp = await call('GET', `/v1/people/${personId}/export`);
    assert.equal(exp.status, 200);
    const section = (exp.body.sections as Record<string, unknown>).liveness as {
      records: { sessions: { sessionId: string; referenceImage: { object?: unknown } | null }[] };
      files: { name: string; base64: string }[];
    };
    const ids = section.records.sessions.map((s) => s.sessionId);
    assert.deepEqual(new Set(ids), new Set([inline, output, open, later]));
    const exported = section.files.map((f) => Buffer.from(f.base64, 'base64'));
    // Reference and audit of each judged session (the third frame of each was deleted when it was judged), and the
    // open session's frame.
    assert.equal(exported.length, 5);
    for (const b of exported)
      assert.ok(
        frames.some((x) => x.equals(b)),
        'an exported image is one of their frames',
      );
    const withOutput = section.records.sessions.find((s) => s.sessionId === output)!;
    assert.deepEqual(withOutput.referenceImage!.object, { bucket: 'live-out', name: `${output}/reference.jpg` });
    assert.ok(holding(h.dataDir, exported[0]!).length > 0, 'the scan finds frames while they are kept');

    const del = await call('DELETE', `/v1/people/${personId}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    for (const id of [inline, output, open, later]) {
      assert.equal((await call('GET', `/v1/liveness/sessions/${id}`)).status, 404);
    }
    assert.equal((await call('GET', `/v1/liveness/sessions/${unlinked}`)).status, 200);
    assert.deepEqual(await audit.list({ subject: personId, limit: 100 }), [], 'their entries are redacted');
    const purge = await call('POST', '/v1/retention/run');
    assert.equal((purge.body.removed as Record<string, number>)['liveness.sessions'], 0, 'nothing is an hour old');

    await h.app.close();
    await h.container.close();
    closed = true;
    for (const b of frames) assert.deepEqual(holding(h.dataDir, b), [], 'no file holds a frame of theirs');
    assert.ok(holding(h.dataDir, kept!).length > 0, "an unlinked session's frame is still there");
  } finally {
    if (!closed) await h.close();
    else await h.close().catch(() => undefined);
  }
});

test('on Postgres an erased person takes their sessions, frames and objects with them', async () => {
  const pg = await freshPgSchema('liveness_erasure');
  const h = await startServer(
    { overrides: { engine } },
    { FACEGATE_DATABASE_URL: pg.url, FACEGATE_DATABASE_SCHEMA: pg.schema },
  );
  try {
    const { call, register, post } = await client(h);
    const personId = await register('Pia Ek');
    const create = async (body: Record<string, unknown>) =>
      String((await call('POST', '/v1/liveness/sessions', body)).body.sessionId);
    const [judged, open, unlinked] = [
      await create({ personId, auditImagesLimit: 1, bucket: 'live-out', keyPrefix: 'p/' }),
      await create({ personId }),
      await create({}),
    ];
    const frames = [...(await post(judged, 3)), ...(await post(open, 2))];
    await post(unlinked, 1);
    assert.equal((await call('POST', `/liveness/sessions/${judged}/complete`)).body.status, 'FAILED');
    const rows = async (sql: string) => (await pg.pool.query(sql.replaceAll('$s', `"${pg.schema}"`))).rows;
    assert.deepEqual(await rows(`SELECT subject_id FROM $s.liveness_sessions WHERE id = '${judged}'`), [
      { subject_id: personId },
    ]);
    assert.equal((await rows(`SELECT 1 FROM $s.liveness_frames WHERE session_id = '${open}'`)).length, 2);
    const objects = `${h.dataDir}/objects`;
    assert.ok(holding(objects, frames[0]!).length > 0, 'the reference is an object in the output bucket');

    const w = await call('POST', `/v1/people/${personId}/consent/withdraw`);
    assert.equal(w.status, 200, JSON.stringify(w.body));
    // 2 sessions; objects: the judged session's reference and audit (output bucket) and the open one's 2 frames.
    assert.equal((w.body.removed as Record<string, number>).liveness, 6);
    assert.deepEqual(await rows(`SELECT id FROM $s.liveness_sessions WHERE subject_id = '${personId}'`), []);
    assert.deepEqual(await rows(`SELECT session_id FROM $s.liveness_frames WHERE session_id <> '${unlinked}'`), []);
    assert.deepEqual(await rows(`SELECT key FROM $s.liveness_session_keys WHERE session_id <> '${unlinked}'`), []);
    for (const b of frames) assert.deepEqual(holding(objects, b), [], 'no object holds a frame of theirs');
    assert.equal((await call('GET', `/v1/liveness/sessions/${unlinked}`)).status, 200);
  } finally {
    await h.close();
    await pg.close();
  }
});
