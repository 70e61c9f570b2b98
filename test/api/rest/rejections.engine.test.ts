// Negative feedback on the real engine and collections: a face marked as "not this person" no longer matches them,
// while the person's own photos still do.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startServer, type Harness } from '../rekognition/rekognition.harness.ts';

const photo = (name: string) => readFileSync(`test/fixtures/images/${name}`);
let h: Harness;
let key: string;

async function send(method: string, path: string, body?: Buffer | object) {
  const isImage = Buffer.isBuffer(body);
  const r = await fetch(h.url + path, {
    method,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': isImage ? 'image/jpeg' : 'application/json' } : {}) },
    body: isImage ? new Uint8Array(body) : body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> & { code?: string } };
}

describe('POST /v1/people/{personId}/rejections', { timeout: 180_000 }, () => {
  before(async () => {
    h = await startServer();
    await h.container.get('apps');
    key = (await (await h.container.get('restKeys')).create({ name: 'rejections-test' })).key;
  });
  after(async () => h?.close());

  test('a rejected face stops matching that person; the person still matches their own photos', async () => {
    const reg = await send('POST', '/v1/people', { name: 'Dani', photos: [photo('dani_640.jpg').toString('base64')] });
    assert.equal(reg.status, 201, JSON.stringify(reg.json));
    const id = reg.json.personId as string;
    // Threshold 0 makes the stranger (photo1) match Dani: the wrong answer a user would mark.
    const wrong = await send('POST', '/v1/identify?threshold=0', photo('photo1.jpeg'));
    const names = (wrong.json.matches as { person: { name: string } }[]).map((m) => m.person.name);
    assert.deepEqual(names, ['Dani']);
    assert.equal((await send('POST', `/v1/people/${id}/verify?threshold=0`, photo('photo1.jpeg'))).json.verified, true);

    const rej = await send('POST', `/v1/people/${id}/rejections`, photo('photo1.jpeg'));
    assert.equal(rej.status, 201, JSON.stringify(rej.json));
    assert.equal(rej.json.personId, id);

    const again = await send('POST', '/v1/identify?threshold=0', photo('photo1.jpeg'));
    assert.equal(again.json.unknown, true, JSON.stringify(again.json));
    assert.equal(
      (await send('POST', `/v1/people/${id}/verify?threshold=0`, photo('photo1.jpeg'))).json.verified,
      false,
    );
    // The same man in another pose (photo3) is the same face as the rejected one: no match either.
    assert.equal((await send('POST', '/v1/identify?threshold=0', photo('photo3.jpeg'))).json.unknown, true);
    // Dani's own other photo still matches.
    const own = await send('POST', '/v1/identify', photo('dani_1_640.jpg'));
    assert.equal((own.json.matches as { person: { name: string } }[])[0]?.person.name, 'Dani');
  });

  test('rejecting for an unknown person is 404; an image without a face is 400', async () => {
    assert.equal(
      (await send('POST', '/v1/people/00000000-0000-4000-8000-000000000000/rejections', photo('photo1.jpeg'))).status,
      404,
    );
    const reg = await send('POST', '/v1/people', {
      name: 'Grace',
      photos: [photo('grace_hopper_512x512.jpg').toString('base64')],
    });
    const r = await send('POST', `/v1/people/${reg.json.personId as string}/rejections`, photo('coffee.png'));
    assert.equal(r.status, 400, JSON.stringify(r.json));
  });
});
