// Logs keep no personal data from requests: query strings (where raw-image registrations carry name, e-mail and
// phone) are dropped from request lines and error messages, and PII fields are redacted wherever they are logged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createContainer, type Container } from '../../src/app/container.ts';
import type { CollectionService } from '../../src/collections/collection.service.ts';
import type { ObjectStore } from '../../src/storage/object-store.port.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp } from '../../src/server/app.ts';
import type { FaceEngine } from '../../src/vision/vision.types.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(chunk.toString('utf8'));
    done();
  },
});
const dataDir = mkdtempSync(join(tmpdir(), 'facegate-logs-'));
let container: Container;
let app: FastifyInstance;
before(async () => {
  const logger = createLogger('info', sink);
  container = createContainer(loadConfig({}, { dataDir }), logger, {
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

describe('log redaction', () => {
  test('names, e-mails and phones in query strings never reach the log', async () => {
    const q = '?name=Alice%20Secretname&email=alice.secret%40example.com&phone=%2B15550199';
    await app.inject({
      method: 'POST',
      url: '/v1/people' + q,
      headers: { 'content-type': 'image/jpeg' },
      payload: 'x',
    });
    const nf = await app.inject({ method: 'GET', url: '/v1/no-such-route' + q });
    assert.doesNotMatch(nf.body, /Secretname|alice\.secret|5550199/);
    await app.inject({ method: 'GET', url: '/healthz' + q });
    const text = lines.join('');
    assert.ok(lines.length >= 3, 'requests were logged');
    assert.match(text, /\/v1\/people/);
    assert.doesNotMatch(text, /Secretname|alice\.secret|5550199/);
  });

  test('PII fields are redacted wherever they are logged', () => {
    const before = lines.length;
    container.logger.info({ email: 'bob@example.com', person: { phone: '+1 555 0123', fullName: 'Bob B' } }, 'x');
    const line = lines.slice(before).join('');
    assert.doesNotMatch(line, /bob@example\.com|555 0123|Bob B/);
  });
});
