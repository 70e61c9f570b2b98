// FACEGATE_REST_PUBLIC_READS opens listings to anonymous callers, never the biometric operations: identify,
// verify, search and the proctor checks always need a key.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appsHarness, b64 } from './apps.routes.fixture.ts';

describe('public reads', () => {
  test('anonymous identify, verify, search and proctor checks → 401; anonymous listing → 200', async () => {
    const h = await appsHarness({ publicReads: true });
    try {
      const body = { image: b64('faces:ann') };
      for (const url of [
        '/v1/identify',
        '/v1/people/00000000-0000-0000-0000-000000000000/verify',
        '/v1/search',
        '/v1/proctor/process',
      ]) {
        const r = await h.app.inject({ method: 'POST', url, payload: body });
        assert.equal(r.statusCode, 401, `${url}: ${r.body}`);
      }
      const list = await h.app.inject({ method: 'GET', url: '/v1/people' });
      assert.equal(list.statusCode, 200, list.body);
    } finally {
      await h.close();
    }
  });
});
