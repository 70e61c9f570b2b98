// Erasure finds a person's events, SMS and runs by the ids recorded in their structured fields (person id, face
// ids, visitor ids; the phone an SMS went to), never by a substring of their text: erasing "Ali" leaves an event
// and an SMS about "Alice" in place, on SQLite and on Postgres.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startServer } from '../api/rekognition/rekognition.harness.ts';
import { face, stubEngine } from '../api/rekognition/stub.engine.ts';
import type { FaceEngine } from '../../src/vision/vision.types.ts';
import { freshPgSchema } from '../helpers/services.ts';

const PHOTO = readFileSync('test/fixtures/images/dani_640.jpg');
const engine: FaceEngine = {
  ...stubEngine,
  async analyze(image) {
    const faces = image[0] === 0xff ? [face(0.3, [1, 0.2, 0, 0])] : [];
    return { image: { width: 640, height: 480, format: 'jpeg', orientation: 1 }, faces };
  },
};

async function eraseAli(env: Record<string, string>): Promise<void> {
  const h = await startServer({ overrides: { engine } }, env);
  try {
    const key = (await (await h.container.get('restKeys')).create({ name: 'ops', role: 'admin' })).key;
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    const reg = await fetch(`${h.url}/v1/people`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Ali', phone: '+33600000001', photos: [PHOTO.toString('base64')] }),
    });
    assert.equal(reg.status, 201, await reg.clone().text());
    const ali = (await reg.json()) as { personId: string; photos: { faceId: string }[] };
    const pipeline = await h.container.get('pipeline');
    const [mine, aboutAlice, matched] = await pipeline.outbox.append([
      { type: 'face.indexed', data: { faceId: ali.photos[0]!.faceId, externalImageId: ali.personId } },
      { type: 'door.known', data: { visitorId: 'v-alice', visitorName: 'Alice', doorName: 'Ali Baba' } },
      { type: 'face.matched', data: { matches: [{ faceId: ali.photos[0]!.faceId, similarity: 99 }] } },
    ]);
    await pipeline.notifyStore.addSms({ to: '+33600000001', body: 'Ali, your code is 1234', eventId: null });
    await pipeline.notifyStore.addSms({ to: '+33600000002', body: 'Alice, your code is 4821', eventId: null });
    await pipeline.notifyStore.addSms({ to: '+33600000003', body: 'Someone is at the door', eventId: matched!.id });

    const exported = await fetch(`${h.url}/v1/people/${ali.personId}/export`, { headers });
    const doc = (await exported.json()) as {
      sections: { pipeline: { records: { events: { id: string }[]; sms: { body: string }[] } } };
    };
    assert.deepEqual(doc.sections.pipeline.records.events.map((e) => e.id).sort(), [mine!.id, matched!.id].sort());
    assert.deepEqual(doc.sections.pipeline.records.sms.map((m) => m.body).sort(), [
      'Ali, your code is 1234',
      'Someone is at the door',
    ]);

    const del = await fetch(`${h.url}/v1/people/${ali.personId}`, { method: 'DELETE', headers: { 'x-api-key': key } });
    assert.equal(del.status, 200, await del.text());
    assert.equal(await pipeline.outbox.get(mine!.id), undefined, "Ali's event is gone");
    assert.equal(await pipeline.outbox.get(matched!.id), undefined, 'the event naming his face is gone');
    assert.equal((await pipeline.outbox.get(aboutAlice!.id))?.data.visitorName, 'Alice', "Alice's event stays");
    assert.deepEqual(
      (await pipeline.notifyStore.listSms()).map((m) => m.body),
      ['Alice, your code is 4821'],
    );
  } finally {
    await h.close();
  }
}

test('erasing "Ali" on SQLite removes his events and SMS and keeps those about "Alice"', async () => {
  await eraseAli({});
});

test('erasing "Ali" on Postgres removes his events and SMS and keeps those about "Alice"', async () => {
  const pg = await freshPgSchema('ids');
  try {
    await eraseAli({ FACEGATE_DATABASE_URL: pg.url, FACEGATE_DATABASE_SCHEMA: pg.schema });
  } finally {
    await pg.close();
  }
});
