import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { appsHarness, b64 } from './apps.routes.fixture.ts';
import { multipartBody } from './rest.harness.ts';

describe('/v1/people', () => {
  test('registers with JSON base64 photos, then verifies 1:1 and identifies 1:N', async () => {
    const h = await appsHarness();
    const headers = { 'x-api-key': h.user };
    const reg = await h.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers,
      payload: {
        name: 'Ann Lee',
        email: 'ann@example.com',
        phone: '+1 555 0100',
        fields: { badge: '7' },
        photos: [b64('faces:ann')],
      },
    });
    assert.equal(reg.statusCode, 201, reg.body);
    const ann = reg.json();
    assert.equal(ann.name, 'Ann Lee');
    assert.deepEqual(ann.fields, { badge: '7' });
    assert.equal(ann.photos.length, 1);

    const ok = await h.app.inject({
      method: 'POST',
      url: `/v1/people/${ann.personId}/verify`,
      headers,
      payload: { image: b64('faces:ann') },
    });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().verified, true);
    assert.equal(ok.json().threshold, 80);
    const raw = await h.app.inject({
      method: 'POST',
      url: `/v1/people/${ann.personId}/verify?threshold=99`,
      headers: { ...headers, 'content-type': 'image/jpeg' },
      payload: Buffer.from('faces:ann'),
    });
    assert.deepEqual([raw.json().verified, raw.json().threshold], [false, 99]);

    const who = await h.app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers,
      payload: { image: b64('faces:ann') },
    });
    assert.equal(who.json().unknown, false);
    assert.equal(who.json().matches[0].person.name, 'Ann Lee');
    assert.equal(who.json().matches[0].person.email, 'ann@example.com');
    const nobody = await h.app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers,
      payload: { image: b64('faces:zed') },
    });
    assert.deepEqual([nobody.json().unknown, nobody.json().matches], [true, []]);
    await h.close();
  });

  test('registers with multipart form fields and several photo files', async () => {
    const h = await appsHarness();
    const mp = multipartBody({ name: 'Bob', phone: '555-0101', fields: '{"team":"red"}' }, [
      { field: 'photos', filename: 'a.jpg', type: 'image/jpeg', bytes: Buffer.from('faces:bob') },
      { field: 'photos', filename: 'b.jpg', type: 'image/jpeg', bytes: Buffer.from('faces:bob') },
    ]);
    const r = await h.app.inject({
      method: 'POST',
      url: '/v1/people',
      headers: { 'x-api-key': h.user, ...mp.headers },
      payload: mp.payload,
    });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().photos.length, 2);
    assert.deepEqual(r.json().fields, { team: 'red' });
    const thumb = await h.app.inject({
      method: 'GET',
      url: r.json().photos[0].thumbnailUrl,
      headers: { 'x-api-key': h.user },
    });
    assert.equal(thumb.statusCode, 200);
    assert.match(thumb.body, /^thumb:/);
    await h.close();
  });

  test('registers from one raw image body with the fields in the query string', async () => {
    const h = await appsHarness();
    const r = await h.app.inject({
      method: 'POST',
      url: '/v1/people?name=Cy%20Raw&phone=555-0102&fields=%7B%22desk%22%3A%224F%22%7D',
      headers: { 'x-api-key': h.user, 'content-type': 'image/jpeg' },
      payload: Buffer.from('faces:cy'),
    });
    assert.equal(r.statusCode, 201, r.body);
    assert.deepEqual([r.json().name, r.json().phone, r.json().fields], ['Cy Raw', '555-0102', { desk: '4F' }]);
    assert.equal(r.json().photos.length, 1);
    await h.close();
  });

  test('lists, updates and deletes people; a deleted person is unknown and 404', async () => {
    const h = await appsHarness();
    const headers = { 'x-api-key': h.user };
    const mk = async (name: string, who: string) =>
      (
        await h.app.inject({
          method: 'POST',
          url: '/v1/people',
          headers,
          payload: { name, photos: [b64(`faces:${who}`)] },
        })
      ).json();
    const ann = await mk('Ann', 'ann');
    await mk('Bob', 'bob');
    await mk('Cy', 'cy');
    const page1 = (await h.app.inject({ method: 'GET', url: '/v1/people?limit=2', headers })).json();
    assert.deepEqual(
      page1.people.map((p: { name: string }) => p.name),
      ['Ann', 'Bob'],
    );
    const page2 = (
      await h.app.inject({ method: 'GET', url: `/v1/people?limit=2&cursor=${page1.nextCursor}`, headers })
    ).json();
    assert.deepEqual([page2.people.map((p: { name: string }) => p.name), page2.nextCursor], [['Cy'], null]);
    const badCursor = await h.app.inject({ method: 'GET', url: '/v1/people?cursor=zzz', headers });
    assert.equal(badCursor.json().code, 'INVALID_PAGINATION_TOKEN');

    const patched = await h.app.inject({
      method: 'PATCH',
      url: `/v1/people/${ann.personId}`,
      headers,
      payload: { email: 'a@b.co' },
    });
    assert.equal(patched.json().email, 'a@b.co');
    const del = await h.app.inject({ method: 'DELETE', url: `/v1/people/${ann.personId}`, headers });
    assert.equal(del.statusCode, 200);
    assert.equal((await h.app.inject({ method: 'GET', url: `/v1/people/${ann.personId}`, headers })).statusCode, 404);
    const who = await h.app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers,
      payload: { image: b64('faces:ann') },
    });
    assert.equal(who.json().unknown, true);
    await h.close();
  });

  test('answers every refusal with {code, message} and a fitting status', async () => {
    const h = await appsHarness({ maxImageBytes: 64 });
    const headers = { 'x-api-key': h.user };
    const cases: [string, InjectOptions, number, string][] = [
      [
        'no key',
        { method: 'POST', url: '/v1/people', payload: { name: 'A', photos: [b64('faces:a')] } },
        401,
        'UNAUTHENTICATED',
      ],
      [
        'wrong key',
        { method: 'GET', url: '/v1/people', headers: { 'x-api-key': 'fgk_000000000000_' + 'A'.repeat(43) } },
        401,
        'UNAUTHENTICATED',
      ],
      [
        'missing name',
        { method: 'POST', url: '/v1/people', headers, payload: { photos: [b64('faces:a')] } },
        400,
        'INVALID_PARAMETER',
      ],
      [
        'no photos',
        { method: 'POST', url: '/v1/people', headers, payload: { name: 'A', photos: [] } },
        400,
        'INVALID_PARAMETER',
      ],
      [
        'bad base64',
        { method: 'POST', url: '/v1/people', headers, payload: { name: 'A', photos: ['%%%'] } },
        400,
        'INVALID_PARAMETER',
      ],
      [
        'bad e-mail',
        { method: 'POST', url: '/v1/people', headers, payload: { name: 'A', email: 'nope', photos: [b64('faces:a')] } },
        400,
        'INVALID_PARAMETER',
      ],
      [
        'no face',
        { method: 'POST', url: '/v1/people', headers, payload: { name: 'A', photos: [b64('faces:')] } },
        400,
        'NO_FACE',
      ],
      [
        'not an image',
        { method: 'POST', url: '/v1/identify', headers, payload: { image: b64('GIF89a') } },
        400,
        'INVALID_IMAGE_FORMAT',
      ],
      [
        'too large',
        {
          method: 'POST',
          url: '/v1/identify',
          headers: { ...headers, 'content-type': 'image/jpeg' },
          payload: Buffer.alloc(65),
        },
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'no image',
        {
          method: 'POST',
          url: '/v1/identify',
          headers: { ...headers, 'content-type': 'image/jpeg' },
          payload: Buffer.alloc(0),
        },
        400,
        'INVALID_PARAMETER',
      ],
      [
        'unknown person',
        {
          method: 'POST',
          url: '/v1/people/4b0c1f0e-0000-4000-8000-000000000000/verify',
          headers,
          payload: { image: b64('faces:a') },
        },
        404,
        'NOT_FOUND',
      ],
      ['bad person id', { method: 'GET', url: '/v1/people/nope', headers }, 400, 'INVALID_PARAMETER'],
    ];
    for (const [name, req, status, code] of cases) {
      const r = await h.app.inject(req);
      assert.equal(r.statusCode, status, `${name}: ${r.body}`);
      assert.equal(r.json().code, code, name);
      assert.equal(typeof r.json().message, 'string', name);
    }
    await h.close();
  });
});
