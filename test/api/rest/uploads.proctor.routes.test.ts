import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appsHarness, b64 } from './apps.routes.fixture.ts';

describe('/v1/index and /v1/search', () => {
  test('indexes an upload under a key and finds it by another image of the same face', async () => {
    const h = await appsHarness();
    const headers = { 'x-api-key': h.user };
    const put = await h.app.inject({
      method: 'PUT',
      url: '/v1/index/ann.jpg',
      headers: { ...headers, 'content-type': 'image/jpeg' },
      payload: Buffer.from('faces:ann,bob'),
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().faces.length, 2);
    const found = await h.app.inject({
      method: 'POST',
      url: '/v1/search',
      headers,
      payload: { image: b64('faces:bob') },
    });
    assert.equal(found.statusCode, 200);
    assert.deepEqual(found.json().matchedFaces, ['ann.jpg']);
    assert.equal(found.json().faces[0].Face.ExternalImageId, 'ann.jpg');
    assert.equal(found.json().faces[0].Similarity, 97);
    const got = await h.app.inject({ method: 'GET', url: '/v1/index/ann.jpg', headers });
    assert.equal(got.body, 'faces:ann,bob');
    // Re-uploading the key replaces its faces.
    await h.app.inject({ method: 'PUT', url: '/v1/index/ann.jpg', headers, payload: { image: b64('faces:ann') } });
    const again = await h.app.inject({
      method: 'POST',
      url: '/v1/search',
      headers,
      payload: { image: b64('faces:bob') },
    });
    assert.deepEqual(again.json().matchedFaces, []);
    const del = await h.app.inject({ method: 'DELETE', url: '/v1/index/ann.jpg', headers });
    assert.equal(del.statusCode, 200);
    assert.equal((await h.app.inject({ method: 'GET', url: '/v1/index/ann.jpg', headers })).statusCode, 404);
    await h.close();
  });

  test('refuses a key outside the ExternalImageId alphabet and an upload without a key', async () => {
    const h = await appsHarness();
    const bad = await h.app.inject({
      method: 'PUT',
      url: '/v1/index/a%20b',
      headers: { 'x-api-key': h.user },
      payload: { image: b64('faces:a') },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_PARAMETER');
    const anon = await h.app.inject({ method: 'PUT', url: '/v1/index/a', payload: { image: b64('faces:a') } });
    assert.equal(anon.statusCode, 401);
    await h.close();
  });
});

describe('/v1/proctor', () => {
  test('indexes a candidate, then reports the five checks for frames of them with and without a phone', async () => {
    const h = await appsHarness();
    const headers = { 'x-api-key': h.user };
    const idx = await h.app.inject({
      method: 'POST',
      url: '/v1/proctor/faces',
      headers,
      payload: { image: b64('faces:ann'), fullName: 'Ann Lee' },
    });
    assert.equal(idx.statusCode, 201, idx.body);
    assert.match(idx.json().ExternalImageId, /^[0-9a-f-]{36}$/);
    const clean = await h.app.inject({
      method: 'POST',
      url: '/v1/proctor/process',
      headers,
      payload: { image: b64('faces:ann') },
    });
    assert.equal(clean.statusCode, 200);
    assert.equal(clean.json().length, 5);
    assert.ok(clean.json().every((c: { Success: boolean }) => c.Success));
    const phone = await h.app.inject({
      method: 'POST',
      url: '/v1/proctor/process',
      headers,
      payload: { image: b64('faces:ann|labels:Mobile Phone=95') },
    });
    const objects = phone.json().find((c: { TestName: string }) => c.TestName === 'Objects of Interest');
    assert.equal(objects.Success, false);
    const list = await h.app.inject({ method: 'GET', url: '/v1/proctor/faces', headers });
    assert.deepEqual(
      list.json().candidates.map((c: { fullName: string }) => c.fullName),
      ['Ann Lee'],
    );
    const settings = await h.app.inject({ method: 'GET', url: '/v1/proctor/settings', headers });
    assert.equal(settings.json().minConfidence, 85);
    await h.close();
  });

  test('refuses a candidate without fullName, with bad base64 or without a face', async () => {
    const h = await appsHarness();
    const headers = { 'x-api-key': h.user };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ image: b64('faces:a') }, 400, 'INVALID_PARAMETER'],
      [{ image: 'not base64!', fullName: 'A' }, 400, 'INVALID_PARAMETER'],
      [{ image: b64('faces:'), fullName: 'A' }, 400, 'NO_FACE'],
    ];
    for (const [payload, status, code] of cases) {
      const r = await h.app.inject({ method: 'POST', url: '/v1/proctor/faces', headers, payload });
      assert.deepEqual([r.statusCode, r.json().code], [status, code], JSON.stringify(payload));
    }
    await h.close();
  });
});
