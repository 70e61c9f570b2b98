// The REST API mounted in the real server (buildApp + container) over the CollectionService, with the stub
// engine: /v1 and the Rekognition protocol share one set of services.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ListCollectionsCommand, ListFacesCommand } from '@aws-sdk/client-rekognition';
import { startServer, type Harness } from '../rekognition/rekognition.harness.ts';
import { scene, stubEngine } from '../rekognition/stub.engine.ts';

let h: Harness;
let key: string;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const call = (method: string, path: string, body?: unknown, auth = true) =>
  fetch(h.url + path, {
    method,
    headers: { ...(auth ? { 'x-api-key': key } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

describe('REST API in the server', () => {
  before(async () => {
    h = await startServer({ overrides: { engine: stubEngine } });
    key = (await (await h.container.get('restKeys')).create({ name: 'e2e' })).key;
  });
  after(async () => h.close());

  test('serves the OpenAPI document and refuses data routes without a key', async () => {
    const doc = await fetch(h.url + '/v1/openapi.json');
    assert.equal(doc.status, 200);
    assert.ok(((await doc.json()) as { paths: object }).paths);
    const r = await call('GET', '/v1/people', undefined, false);
    assert.equal(r.status, 401);
    assert.equal(((await r.json()) as { code: string }).code, 'UNAUTHENTICATED');
  });

  test('indexes an upload and searches it over the same collections the Rekognition API sees', async () => {
    const put = await fetch(h.url + '/v1/index/ana', {
      method: 'PUT',
      headers: { 'x-api-key': key, 'content-type': 'image/png' },
      body: Buffer.from(scene(1)),
    });
    assert.equal(put.status, 200, await put.clone().text());
    const found = (await (await call('POST', '/v1/search', { image: b64(scene(2)) })).json()) as {
      matchedFaces: string[];
    };
    assert.deepEqual(found.matchedFaces, ['ana']);
    const sdk = h.client();
    const { CollectionIds } = await sdk.send(new ListCollectionsCommand({}));
    assert.ok(CollectionIds?.includes('uploads'));
    const { Faces } = await sdk.send(new ListFacesCommand({ CollectionId: 'uploads' }));
    assert.deepEqual(
      Faces?.map((f) => f.ExternalImageId),
      ['ana'],
    );
  });

  test('recognizes an indexed proctor candidate by name', async () => {
    const idx = await call('POST', '/v1/proctor/faces', { image: b64(scene(1)), fullName: 'Ana Silva' });
    assert.equal(idx.status, 201);
    const checks = (await (await call('POST', '/v1/proctor/process', { image: b64(scene(2)) })).json()) as {
      TestName: string;
      Success: boolean;
      Details: string;
    }[];
    const rec = checks.find((c) => c.TestName === 'Person Recognition');
    assert.equal(rec?.Success, true);
    assert.match(rec?.Details ?? '', /^Ana Silva/);
  });
});
