// REST bodies are bounded to what the route needs: deeply nested JSON is refused before parsing, and a registration
// carries at most a few photos' worth of base64 JSON (more photos go as multipart, read one file at a time).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appsHarness } from './apps.routes.fixture.ts';

describe('REST body limits', () => {
  test('JSON nested a million levels deep → 400 INVALID_PARAMETER, before parsing', async () => {
    const h = await appsHarness();
    try {
      const r = await h.app.inject({
        method: 'POST',
        url: '/v1/identify',
        headers: { 'x-api-key': h.user, 'content-type': 'application/json' },
        payload: '{"image":' + '['.repeat(1_000_000) + ']'.repeat(1_000_000) + '}',
      });
      assert.equal(r.statusCode, 400);
      assert.equal(r.json().code, 'INVALID_PARAMETER');
      assert.match(r.json().message, /nested/);
    } finally {
      await h.close();
    }
  });

  test('a registration JSON body of ten 5 MB base64 photos (65 MB) → 413, not buffered', async () => {
    const h = await appsHarness();
    try {
      const photo = 'A'.repeat(Math.ceil((5 * 1024 * 1024 * 4) / 3));
      const r = await h.app.inject({
        method: 'POST',
        url: '/v1/people',
        headers: { 'x-api-key': h.user, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'Big', photos: Array(10).fill(photo) }),
      });
      assert.equal(r.statusCode, 413);
      assert.equal(r.json().code, 'PAYLOAD_TOO_LARGE');
    } finally {
      await h.close();
    }
  });
});
