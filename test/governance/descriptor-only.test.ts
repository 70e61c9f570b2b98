// Descriptor-only collections: registering people and indexing uploads keeps descriptors and boxes only; the
// object store holds no image bytes, photo reads say PHOTOS_NOT_KEPT, and matching still works.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FaceEngine } from '../../src/vision/vision.types.ts';
import { startServer, type Harness } from '../api/rekognition/rekognition.harness.ts';
import { face, stubEngine } from '../api/rekognition/stub.engine.ts';
import { filesUnder } from '../helpers/files.helper.ts';

const PHOTO = readFileSync('test/fixtures/images/dani_640.jpg');
const engine: FaceEngine = {
  ...stubEngine,
  async analyze(image) {
    const faces = image[0] === 0xff ? [face(0.3, [1, 0.2, 0, 0])] : [];
    return { image: { width: 640, height: 480, format: 'jpeg', orientation: 1 }, faces };
  },
};

const files = (dir: string): string[] => (existsSync(dir) ? filesUnder(dir) : []);

interface Reply {
  code?: string;
  personId?: string;
  photos: { photoId: string }[];
  matches: { person: { personId: string } }[];
  matchedFaces?: string[];
}

let h: Harness;
let key: string;
before(async () => {
  h = await startServer({ overrides: { engine } }, { FACEGATE_DESCRIPTOR_ONLY: 'people,uploads' });
  key = (await (await h.container.get('restKeys')).create({ name: 'ops', role: 'admin' })).key;
});
after(() => h.close());

const call = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(h.url + path, {
    method,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, json: (await r.json().catch(() => null)) as Reply | null };
};

test('no image or thumbnail reaches the object store; photo reads are refused; matching works', async () => {
  const image = PHOTO.toString('base64');
  const reg = await call('POST', '/v1/people', { name: 'Dani', photos: [image] });
  assert.equal(reg.status, 201, JSON.stringify(reg.json));
  const person = reg.json! as Reply & { personId: string };
  const idx = await call('PUT', '/v1/index/dani-upload', { image });
  assert.equal(idx.status, 200, JSON.stringify(idx.json));

  const photo = await call('GET', `/v1/people/${person.personId}/photos/${person.photos[0]!.photoId}?size=thumbnail`);
  assert.deepEqual([photo.status, photo.json?.code], [409, 'PHOTOS_NOT_KEPT']);
  const upload = await call('GET', '/v1/index/dani-upload');
  assert.deepEqual([upload.status, upload.json?.code], [409, 'PHOTOS_NOT_KEPT']);

  const who = await call('POST', '/v1/identify', { image });
  assert.equal(who.json?.matches[0]?.person.personId, person.personId);
  const found = await call('POST', '/v1/search', { image });
  assert.deepEqual(found.json?.matchedFaces, ['dani-upload']);

  const stored = files(join(h.dataDir, 'objects'));
  const slice = PHOTO.subarray(PHOTO.length >> 1, (PHOTO.length >> 1) + 64);
  for (const f of stored) {
    const bytes = readFileSync(f);
    assert.equal(bytes.indexOf(slice), -1, `photo bytes in ${f}`);
    assert.ok(!(bytes[0] === 0xff && bytes[1] === 0xd8), `a JPEG in ${f}`);
  }
  // The local driver encodes key names on disk; the one object is the upload's list of face ids.
  assert.equal(stored.length, 1, stored.join(', '));
  assert.match(decodeURIComponent(stored[0]!), /dani-upload\.faces\.json/);
  assert.equal((await call('DELETE', '/v1/index/dani-upload')).status, 200);
  assert.equal((await call('DELETE', `/v1/people/${person.personId}`)).status, 200);
});

test('a pipeline, which stores uploads and thumbnails, cannot feed a descriptor-only collection', async () => {
  const refused = await call('PUT', '/v1/pipelines/lobby', { collectionId: 'people' });
  assert.deepEqual([refused.status, refused.json?.code], [409, 'PHOTOS_NOT_KEPT']);
  const ok = await call('PUT', '/v1/pipelines/lobby', { collectionId: 'lobby' });
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
});
