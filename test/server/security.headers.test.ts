// Response headers that keep browsers from leaking or mis-reading responses: Referrer-Policy and nosniff on every
// response, Cache-Control: no-store on API responses (they carry names, e-mails, photos), a strict CSP on /v1/docs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createContainer, type Container } from '../../src/app/container.ts';
import type { CollectionService } from '../../src/collections/collection.service.ts';
import type { ObjectStore } from '../../src/storage/object-store.port.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp } from '../../src/server/app.ts';
import type { FaceEngine } from '../../src/vision/vision.types.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'facegate-headers-'));
let container: Container;
let app: FastifyInstance;
before(async () => {
  container = createContainer(loadConfig({}, { dataDir }), createLogger('silent'), {
    overrides: {
      engine: { close: async () => undefined } as unknown as FaceEngine,
      collections: {} as CollectionService,
      objects: {} as ObjectStore,
    },
  });
  app = await buildApp(container, { noAuth: true });
});
after(async () => {
  await app.close();
  await container.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('security headers', () => {
  test('every response has Referrer-Policy and nosniff; API responses are not stored', async () => {
    for (const url of ['/healthz', '/v1/openapi.json', '/v1/people', '/v1/nothing-here']) {
      const r = await app.inject({ method: 'GET', url });
      assert.equal(r.headers['referrer-policy'], 'no-referrer', url);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(r.headers['cache-control'], 'no-store', url);
    }
    const aws = await app.inject({ method: 'POST', url: '/', headers: { 'x-amz-target': 'X' }, payload: '{}' });
    assert.equal(aws.headers['cache-control'], 'no-store');
  });

  test('/v1/docs has a CSP that allows only its own inline script (by hash) and same-origin fetches', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/docs' });
    assert.equal(r.statusCode, 200);
    const csp = String(r.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /connect-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    const script = /<script>([\s\S]*?)<\/script>/.exec(r.body)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    assert.ok(csp.includes(`'sha256-${hash}'`), csp);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
  });
});
