// The REST apps on the real engine and collections (no stubs): registration, 1:1 and 1:N decisions on real photos.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startServer, type Harness } from '../rekognition/rekognition.harness.ts';

const photo = (name: string) => readFileSync(`test/fixtures/images/${name}`);
let h: Harness;
let key: string;

async function send(method: string, path: string, body?: Buffer | object, type = 'image/jpeg') {
  const isImage = Buffer.isBuffer(body);
  const r = await fetch(h.url + path, {
    method,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': isImage ? type : 'application/json' } : {}) },
    body: isImage ? new Uint8Array(body) : body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> & { code?: string } };
}

describe('REST apps on the real engine', { timeout: 180_000 }, () => {
  before(async () => {
    h = await startServer();
    await h.container.get('apps');
    key = (await (await h.container.get('restKeys')).create({ name: 'engine-test' })).key;
  });
  after(async () => h?.close());

  test('verifies the registered person from another photo and rejects someone else', async () => {
    const reg = await send('POST', '/v1/people', { name: 'Dani', photos: [photo('dani_640.jpg').toString('base64')] });
    assert.equal(reg.status, 201, JSON.stringify(reg.json));
    const id = reg.json.personId as string;
    const same = await send('POST', `/v1/people/${id}/verify`, photo('dani_1_640.jpg'));
    assert.equal(same.json.verified, true, JSON.stringify(same.json));
    const other = await send('POST', `/v1/people/${id}/verify`, photo('grace_hopper_512x512.jpg'));
    assert.equal(other.json.verified, false, JSON.stringify(other.json));
    assert.ok((other.json.similarity as number) < (same.json.similarity as number));
  });

  test('identifies the proctoring subject by name and answers unknown for a stranger', async () => {
    await send('POST', '/v1/people', { name: 'Subject', photos: [photo('identity.jpg').toString('base64')] });
    const hit = await send('POST', '/v1/identify', photo('looking_at_screen.jpg'));
    const matches = hit.json.matches as { person: { name: string } }[];
    assert.equal(matches[0]?.person.name, 'Subject', JSON.stringify(hit.json));
    const miss = await send('POST', '/v1/identify', photo('photo1.jpeg'));
    assert.equal(miss.json.unknown, true, JSON.stringify(miss.json));
  });

  test('refuses a photo without a face and bytes that are not an image', async () => {
    const noFace = await send('POST', '/v1/identify', photo('coffee.png'), 'image/png');
    assert.deepEqual([noFace.status, noFace.json.code], [400, 'NO_FACE']);
    const junk = await send('POST', '/v1/identify', Buffer.from('not an image at all'));
    assert.deepEqual([junk.status, junk.json.code], [400, 'INVALID_IMAGE_FORMAT']);
    const reg = await send('POST', '/v1/people', { name: 'Cat', photos: [photo('chelsea.png').toString('base64')] });
    assert.deepEqual([reg.status, reg.json.code], [400, 'NO_FACE']);
  });
});
