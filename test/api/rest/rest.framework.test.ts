import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { base64BodyLimit, base64Image, readUpload } from '../../../src/api/rest/image.input.ts';
import { route } from '../../../src/api/rest/rest.route.ts';
import { harness, multipartBody } from './rest.harness.ts';

const LIMIT = 1000;
const echo = () => [
  route({
    method: 'POST',
    url: '/echo',
    operationId: 'echo',
    summary: 'test: sizes of the images received',
    tag: 'test',
    access: 'write',
    bodyKind: 'image-or-json',
    bodyLimit: base64BodyLimit(LIMIT),
    body: z.object({ image: base64Image(LIMIT), name: z.string().min(1) }),
    response: z.object({ sizes: z.array(z.number()), name: z.string().optional() }),
    handler: async ({ body, request }) => {
      if (body) return { sizes: [body.image.length], name: body.name };
      const up = await readUpload(request);
      return { sizes: up.images.map((i) => i.bytes.length), name: up.fields.name };
    },
  }),
  route({
    method: 'GET',
    url: '/thing',
    operationId: 'thing',
    summary: 'test: a read',
    tag: 'test',
    access: 'read',
    response: z.object({ ok: z.boolean() }),
    handler: async () => ({ ok: true, secret: 'leak' }) as { ok: boolean },
  }),
];

describe('REST framework', () => {
  test('serves an OpenAPI 3.1 document and a self-contained reference page without a key', async () => {
    const h = await harness({ routes: echo });
    const doc = await h.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    assert.equal(doc.statusCode, 200);
    const body = doc.json();
    assert.equal(body.openapi, '3.1.0');
    assert.ok(body.paths['/v1/keys/{keyId}'].delete);
    assert.deepEqual(Object.keys(body.paths['/v1/echo'].post.requestBody.content).sort(), [
      'application/json',
      'image/jpeg',
      'image/png',
    ]);
    const page = await h.app.inject({ method: 'GET', url: '/v1/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.doesNotMatch(page.body, /<script[^>]+src=|<link[^>]+href="http/);
    await h.close();
  });

  test('strips fields the response schema does not declare', async () => {
    const h = await harness({ routes: echo });
    const r = await h.app.inject({ method: 'GET', url: '/v1/thing', headers: { 'x-api-key': h.user } });
    assert.deepEqual(r.json(), { ok: true });
    await h.close();
  });

  test('answers an unknown /v1 route with 404 ROUTE_NOT_FOUND in {code, message}', async () => {
    const h = await harness();
    const r = await h.app.inject({ method: 'GET', url: '/v1/nope', headers: { 'x-api-key': h.user } });
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().code, 'ROUTE_NOT_FOUND');
    assert.equal(typeof r.json().message, 'string');
    await h.close();
  });

  test('accepts an image as a raw body, as multipart, and as base64 JSON', async () => {
    const h = await harness({ routes: echo });
    const headers = { 'x-api-key': h.user };
    const bytes = new Uint8Array(300).fill(7);
    const raw = await h.app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers: { ...headers, 'content-type': 'image/jpeg' },
      payload: Buffer.from(bytes),
    });
    assert.deepEqual(raw.json(), { sizes: [300] });
    const mp = multipartBody({ name: 'Ann' }, [
      { field: 'photo', filename: 'a.jpg', type: 'image/jpeg', bytes },
      { field: 'photo', filename: 'b.jpg', type: 'image/jpeg', bytes: bytes.subarray(0, 10) },
    ]);
    const multi = await h.app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers: { ...headers, ...mp.headers },
      payload: mp.payload,
    });
    assert.deepEqual(multi.json(), { sizes: [300, 10], name: 'Ann' });
    const json = await h.app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers,
      payload: { name: 'Ann', image: `data:image/jpeg;base64,${Buffer.from(bytes).toString('base64')}` },
    });
    assert.deepEqual(json.json(), { sizes: [300], name: 'Ann' });
    await h.close();
  });

  test('refuses images over the limit with 413 in every form', async () => {
    const h = await harness({ routes: echo, maxImageBytes: LIMIT });
    const headers = { 'x-api-key': h.user };
    const big = new Uint8Array(LIMIT + 1);
    const raw = await h.app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers: { ...headers, 'content-type': 'image/png' },
      payload: Buffer.from(big),
    });
    assert.equal(raw.statusCode, 413);
    assert.equal(raw.json().code, 'PAYLOAD_TOO_LARGE');
    const mp = multipartBody({}, [{ field: 'photo', filename: 'a.jpg', type: 'image/jpeg', bytes: big }]);
    const multi = await h.app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers: { ...headers, ...mp.headers },
      payload: mp.payload,
    });
    assert.equal(multi.statusCode, 413);
    const json = await h.app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers,
      payload: { name: 'x', image: Buffer.from(big).toString('base64') },
    });
    assert.equal(json.statusCode, 413);
    assert.equal(json.json().code, 'PAYLOAD_TOO_LARGE');
    await h.close();
  });

  test('refuses bad base64 and missing fields with 400 INVALID_PARAMETER naming the field', async () => {
    const h = await harness({ routes: echo });
    const headers = { 'x-api-key': h.user };
    const bad = await h.app.inject({ method: 'POST', url: '/v1/echo', headers, payload: { name: 'x', image: 'no!' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_PARAMETER');
    assert.match(bad.json().message, /base64/);
    const missing = await h.app.inject({ method: 'POST', url: '/v1/echo', headers, payload: { image: 'AAAA' } });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json().message, /body\.name/);
    await h.close();
  });

  test('refuses an unsupported content type with 415', async () => {
    const h = await harness({ routes: echo });
    const r = await h.app.inject({
      method: 'POST',
      url: '/v1/echo',
      headers: { 'x-api-key': h.user, 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    assert.equal(r.statusCode, 415);
    assert.equal(r.json().code, 'UNSUPPORTED_MEDIA_TYPE');
    await h.close();
  });
});
