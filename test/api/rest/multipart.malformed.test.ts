// Malformed multipart bodies are the client's fault: 400 INVALID_PARAMETER on every image route, never a 500.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appsHarness } from './apps.routes.fixture.ts';

const ROUTES = [
  ['POST', '/v1/people'],
  ['POST', '/v1/identify'],
  ['POST', '/v1/search'],
  ['PUT', '/v1/index/k1'],
  ['POST', '/v1/proctor/process'],
] as const;

describe('malformed multipart', () => {
  const cases: [string, string, string][] = [
    ['no boundary', 'multipart/form-data', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'],
    ['a boundary over 256 characters', `multipart/form-data; boundary=${'b'.repeat(300)}`, `--${'b'.repeat(300)}\r\n`],
    [
      'a truncated part',
      'multipart/form-data; boundary=xyz',
      '--xyz\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff',
    ],
  ];
  for (const [what, type, body] of cases) {
    test(`${what} → 400`, async () => {
      const h = await appsHarness();
      try {
        for (const [method, url] of ROUTES) {
          const r = await h.app.inject({
            method,
            url,
            headers: { 'x-api-key': h.user, 'content-type': type },
            payload: Buffer.from(body, 'latin1'),
          });
          assert.equal(r.statusCode, 400, `${url}: ${r.body}`);
          assert.equal(r.json().code, 'INVALID_PARAMETER', url);
        }
      } finally {
        await h.close();
      }
    });
  }
});
