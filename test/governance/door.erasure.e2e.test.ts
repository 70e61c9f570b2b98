// A door visitor as a data subject, through the real server (REST over the container, embedded SQLite + local
// objects), with an engine that gives the visitor a unique descriptor: a stranger's camera visit, the owner's
// approval (name, phone, face), a recognised visit with its snapshot and passcode SMS, and the cameras' visit log.
// The export holds the record, photos, visits and snapshots; erasing the visitor
// (DELETE /v1/doors/{id}/visitors/{visitorId}) leaves no file under the data directory, after a clean stop, holding
// their name, phone, descriptor or any of their frames' bytes, and their audit entries are redacted.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Visit } from '../../src/streams/visit.types.ts';
import type { FaceEngine } from '../../src/vision/vision.types.ts';
import { startServer } from '../api/rekognition/rekognition.harness.ts';
import { face, stubEngine } from '../api/rekognition/stub.engine.ts';
import { filesUnder } from '../helpers/files.helper.ts';

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
/** A JPEG whose tail (after EOI, ignored by decoders) is unique to this run: every copy of it can be found. */
const frame = () => Buffer.concat([PHOTO, randomBytes(48)]);
const tail = (b: Buffer) => b.subarray(b.length - 48);

const files = filesUnder;

test('a door visitor: export holds record, photos and visits; erasure leaves no trace on disk', async () => {
  const h = await startServer({ overrides: { engine } });
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
    const who = { name: `Yorick Vantablack ${tag}`, phone: `+3361${String(parseInt(tag, 16) % 1e7).padStart(7, '0')}` };
    assert.equal((await call('PUT', '/v1/doors/front', { id: 'front', threshold: 50 })).status, 200);
    const door = await h.container.get('door');
    const cameras = await h.container.get('cameras');
    const box = { left: 0.3, top: 0.2, width: 0.3, height: 0.4 };
    const visit = (jpeg: Buffer, verdict: Visit['verdict']): Visit => ({
      id: randomUUID(),
      cameraId: 'porch',
      doorId: 'front',
      collectionId: 'door-front',
      trackId: randomUUID(),
      verdict,
      firstSeenAt: new Date(),
      decidedAt: new Date(),
      framesSeen: 3,
      snapshots: [{ jpeg, box, quality: 0.9 }],
      descriptor: new Float32Array(descriptor),
    });
    // The cameras' log keeps its own annotated copy of each visit's best frame.
    const logVisit = async (v: Visit, jpeg: Buffer) => {
      await h.container.get('objects').then((o) => o.put('camera-visits', `porch/${v.id}.jpg`, jpeg));
      const k = v.verdict;
      await cameras.store.addVisit({
        ...{ id: v.id, cameraId: v.cameraId, doorId: v.doorId, collectionId: v.collectionId, trackId: v.trackId },
        kind: k.kind,
        faceId: k.kind === 'known' ? k.faceId : null,
        userId: null,
        externalImageId: k.kind === 'known' ? k.externalImageId : null,
        similarity: k.kind === 'known' ? k.similarity : null,
        ...{ firstSeenAt: v.firstSeenAt, decidedAt: v.decidedAt, leftAt: null, framesSeen: 3 },
        snapshot: { bucket: 'camera-visits', key: `porch/${v.id}.jpg`, box },
      });
    };

    const strangerFrame = frame();
    const strangerLog = frame();
    const first = visit(strangerFrame, { kind: 'unknown', bestSimilarity: null });
    await logVisit(first, strangerLog);
    const unknown = await door.service.handleVisit(first);
    assert.equal(unknown.kind, 'unknown');
    const approved = await call('POST', `/v1/doors/front/pending/${unknown.pendingId}/approve`, who);
    assert.equal(approved.status, 200, approved.bytes.toString());
    const visitorId = json(approved).visitorId as string;
    const visitor = (await door.service.store.getVisitor(visitorId))!;
    assert.equal(visitor.faceIds.length, 1);

    const knownFrame = frame();
    const knownLog = frame();
    const second = visit(knownFrame, {
      kind: 'known',
      faceId: visitor.faceIds[0]!,
      userId: null,
      externalImageId: visitorId,
      similarity: 97,
    });
    await logVisit(second, knownLog);
    assert.equal((await door.service.handleVisit(second)).kind, 'known');

    // A stranger who is not the visitor: must survive the erasure.
    const otherFrame = frame();
    const other = visit(otherFrame, { kind: 'unknown', bestSimilarity: null });
    await logVisit(other, frame());

    const exp = await call('GET', `/v1/doors/front/visitors/${visitorId}/export`);
    assert.equal(exp.status, 200, exp.bytes.toString());
    const doc = json(exp);
    const rec = doc.sections.door.records.visitors[0];
    assert.equal(rec.visitor.name, who.name);
    assert.equal(rec.visitor.phone, who.phone);
    assert.deepEqual(rec.visits.map((v: { id: string }) => v.id).sort(), [first.id, second.id].sort());
    assert.equal(rec.passcodes.length >= 2, true, 'the approval and the recognised visit each issued a passcode');
    const exported = (doc.sections.door.files as { base64: string }[]).map((f) => Buffer.from(f.base64, 'base64'));
    for (const [what, b] of [
      ['approval photo', strangerFrame],
      ['visit snapshot', knownFrame],
      ['camera frame before approval', strangerLog],
      ['camera frame', knownLog],
    ] as const) {
      assert.ok(
        exported.some((x) => x.equals(b)),
        `${what} exported`,
      );
    }
    assert.deepEqual(
      doc.sections.cameras.records.visits.map((v: { id: string }) => v.id),
      [second.id],
    );
    assert.ok(doc.sections.pipeline.records.events.length >= 2, 'door.approved and door.known events');
    assert.ok(
      doc.sections.pipeline.records.sms.some((m: { recipient: string }) => m.recipient === who.phone),
      'the passcode SMS',
    );
    assert.ok(
      doc.sections.audit.records.some((e: { operation: string }) => e.operation === 'approveDoorVisitor'),
      'the approval audit entry',
    );

    const del = await call('DELETE', `/v1/doors/front/visitors/${visitorId}`);
    assert.equal(del.status, 200, del.bytes.toString());
    assert.equal((await call('DELETE', `/v1/doors/front/visitors/${visitorId}`)).status, 404);
    assert.deepEqual(json(await call('GET', '/v1/doors/front/visitors')).visitors, []);
    const left = json(await call('GET', '/v1/doors/front/visits')).visits as { id: string }[];
    assert.deepEqual(
      left.map((v) => v.id),
      [],
      'the other stranger was never a door visit',
    );
    assert.ok(await cameras.store.getVisit(other.id), "another stranger's camera visit stays");
    assert.equal(await cameras.store.getVisit(first.id), undefined);
    const faces = await (await h.container.get('collections')).listFaces({ collectionId: 'door-front' });
    assert.deepEqual(faces.faces, [], 'no face left in the door collection');
    const audit = (await h.container.get('governance')).audit;
    const approvals = (await audit.list({ limit: 100 })).filter((e) => e.operation === 'approveDoorVisitor');
    assert.deepEqual(
      approvals.map((e) => e.personal),
      [null],
      'the approval entry is redacted',
    );
    assert.equal((await audit.verify()).ok, true);

    await h.app.close();
    await h.container.close();
    closed = true;
    const needles: [string, Buffer][] = [
      ['name', Buffer.from(who.name)],
      ['phone', Buffer.from(who.phone)],
      ['descriptor', Buffer.from(descriptor.buffer)],
      ['approval photo', tail(strangerFrame)],
      ['visit snapshot', tail(knownFrame)],
      ['camera frame before approval', tail(strangerLog)],
      ['camera frame', tail(knownLog)],
    ];
    const all = files(h.dataDir);
    assert.ok(
      all.some((f) => f.endsWith('.db')),
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

test("a person's erasure also removes the camera visits naming their face, with their frames", async () => {
  const h = await startServer({ overrides: { engine } });
  try {
    const key = (await (await h.container.get('restKeys')).create({ name: 'ops', role: 'admin' })).key;
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    const reg = await fetch(`${h.url}/v1/people`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Xavier Lobby', photos: [PHOTO.toString('base64')] }),
    });
    assert.equal(reg.status, 201);
    const person = (await reg.json()) as { personId: string; photos: { faceId: string }[] };
    const cameras = await h.container.get('cameras');
    const objects = await h.container.get('objects');
    const box = { left: 0.3, top: 0.2, width: 0.3, height: 0.4 };
    const record = (id: string, faceId: string | null) => ({
      ...{ id, cameraId: 'lobby', doorId: null, collectionId: 'people', trackId: id, framesSeen: 2 },
      kind: faceId ? ('known' as const) : ('unknown' as const),
      ...{ faceId, userId: null, externalImageId: faceId ? person.personId : null, similarity: faceId ? 93 : null },
      ...{ firstSeenAt: new Date(), decidedAt: new Date(), leftAt: null },
      snapshot: { bucket: 'camera-visits', key: `lobby/${id}.jpg`, box },
    });
    const theirs = frame();
    await objects.put('camera-visits', 'lobby/mine.jpg', theirs);
    await objects.put('camera-visits', 'lobby/other.jpg', frame());
    await cameras.store.addVisit(record('mine', person.photos[0]!.faceId));
    await cameras.store.addVisit(record('other', null));

    const auth = { 'x-api-key': key };
    const exp = await fetch(`${h.url}/v1/people/${person.personId}/export`, { headers: auth });
    assert.equal(exp.status, 200);
    const doc = JSON.parse(await exp.text()) as {
      sections: Record<string, { records: unknown; files: { base64: string }[] }>;
    };
    assert.deepEqual(
      (doc.sections.cameras!.records as { visits: { id: string }[] }).visits.map((v) => v.id),
      ['mine'],
    );
    assert.ok(doc.sections.cameras!.files.some((f) => Buffer.from(f.base64, 'base64').equals(theirs)));
    const del = await fetch(`${h.url}/v1/people/${person.personId}`, { method: 'DELETE', headers: auth });
    assert.equal(del.status, 200);
    assert.equal(await cameras.store.getVisit('mine'), undefined);
    assert.equal(await objects.get('camera-visits', 'lobby/mine.jpg'), undefined);
    assert.ok(await cameras.store.getVisit('other'), "a stranger's visit stays");
  } finally {
    await h.close();
  }
});
