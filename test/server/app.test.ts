import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainer } from '../../src/app/container.ts';
import type { CollectionService } from '../../src/collections/collection.service.ts';
import type { ObjectStore } from '../../src/storage/object-store.port.ts';
import { loadKeyRing } from '../../src/auth/access.keys.ts';
import { loadConfig } from '../../src/config/config.ts';
import { FacegateError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp, bodyLimitFor } from '../../src/server/app.ts';
import type { FaceEngine } from '../../src/vision/vision.types.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'facegate-app-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const config = loadConfig({}, { dataDir });
const logger = createLogger('silent');

const fakeEngine = (): FaceEngine => ({ close: async () => undefined }) as unknown as FaceEngine;
/** Every part stubbed, so these tests never load models or open stores. */
const stubs = () => ({
  engine: fakeEngine(),
  collections: {} as CollectionService,
  objects: {} as ObjectStore,
});

describe('server composition', () => {
  test('healthz answers while the models are still loading and readyz says 503 until they are', async () => {
    let release!: (e: FaceEngine) => void;
    const loading = new Promise<FaceEngine>((r) => (release = r));
    const container = createContainer(config, logger, { overrides: { ...stubs(), engine: loading } });
    const app = await buildApp(container, { noAuth: true });
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
    const before = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(before.statusCode, 503);
    assert.equal(before.json().parts.engine.status, 'loading');
    assert.ok(before.headers['x-amzn-requestid']);
    release(fakeEngine());
    await container.get('engine');
    const afterLoad = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(afterLoad.statusCode, 200);
    assert.equal(afterLoad.json().status, 'ready');
    await app.close();
    await container.close();
  });

  test('readyz stays 503 and names the reason when the engine fails to load', async () => {
    const container = createContainer(config, logger, {
      overrides: { ...stubs(), engine: Promise.reject(new Error('model file missing')) },
    });
    const app = await buildApp(container, { noAuth: true });
    await container.settled();
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assert.deepEqual(ready.json().parts.engine, { status: 'failed', reason: 'model file missing' });
    await assert.rejects(
      container.get('engine'),
      (e: unknown) => e instanceof FacegateError && e.code === 'NOT_READY' && /model file missing/.test(e.message),
    );
    await app.close();
    await container.close();
  });

  test('an unknown route is a REST 404 with a code, and an unknown X-Amz-Target path an AWS error', async () => {
    const container = createContainer(config, logger, { overrides: stubs() });
    const app = await buildApp(container, { noAuth: true });
    const rest = await app.inject({ method: 'GET', url: '/v1/nothing-here' });
    assert.equal(rest.statusCode, 404);
    assert.equal(rest.json().code, 'ROUTE_NOT_FOUND');
    const aws = await app.inject({ method: 'PUT', url: '/nothing', headers: { 'x-amz-target': 'X.Y' } });
    assert.equal(aws.statusCode, 400);
    assert.equal(aws.headers['x-amzn-errortype'], 'UnknownOperationException');
    await app.close();
    await container.close();
  });

  test('errors render as REST {code, message}, and a 500 hides its cause', async () => {
    const container = createContainer(config, logger, { overrides: stubs() });
    const app = await buildApp(container, { noAuth: true });
    app.get('/boom', async () => {
      throw new Error('password=hunter2 at /secret/path');
    });
    app.get('/nf', async () => {
      throw new FacegateError('NOT_FOUND', 'Collection x does not exist');
    });
    const boom = await app.inject({ method: 'GET', url: '/boom' });
    assert.equal(boom.statusCode, 500);
    assert.deepEqual(boom.json(), { code: 'INTERNAL', message: 'Internal server error' });
    assert.doesNotMatch(boom.body, /hunter2|secret/);
    const nf = await app.inject({ method: 'GET', url: '/nf' });
    assert.equal(nf.statusCode, 404);
    assert.deepEqual(nf.json(), { code: 'NOT_FOUND', message: 'Collection x does not exist' });
    await app.close();
    await container.close();
  });

  test('with --no-auth the Rekognition protocol accepts unsigned requests; with keys it refuses them', async () => {
    const collections = {
      listCollections: async () => ({ collectionIds: ['a'], faceModelVersions: ['v1'] }),
    } as unknown as CollectionService;
    const request = {
      method: 'POST' as const,
      url: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.ListCollections' },
      payload: '{}',
    };
    const open = createContainer(config, logger, { overrides: { ...stubs(), collections } });
    const openApp = await buildApp(open, { noAuth: true });
    const ok = await openApp.inject(request);
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['content-type'], 'application/x-amz-json-1.1');
    assert.deepEqual(ok.json(), { CollectionIds: ['a'], FaceModelVersions: ['7.0'] });
    await openApp.close();
    await open.close();

    const closed = createContainer(config, logger, { overrides: { ...stubs(), collections } });
    const keys = loadKeyRing(
      loadConfig({ FACEGATE_ACCESS_KEY_ID: 'AKFGKEY0000000000001', FACEGATE_SECRET_ACCESS_KEY: 'x'.repeat(40) }).auth,
      dataDir,
    );
    const closedApp = await buildApp(closed, { keys });
    const refused = await closedApp.inject(request);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
    await closedApp.close();
    await closed.close();
  });

  test('close() closes the loaded parts once', async () => {
    let closes = 0;
    const engine = { ...fakeEngine(), close: async () => void closes++ } as FaceEngine;
    const container = createContainer(config, logger, { overrides: { ...stubs(), engine } });
    await container.get('engine');
    await container.close();
    await container.close();
    assert.equal(closes, 0, 'overrides belong to the caller, who closes them');
    await assert.rejects(container.get('engine'), (e: unknown) => e instanceof FacegateError && e.code === 'NOT_READY');
  });

  test('the body limit leaves room for the base64 of a 15 MB image', () => {
    const limit = bodyLimitFor(15 * 1024 * 1024);
    assert.ok(limit >= Math.ceil((15 * 1024 * 1024) / 3) * 4);
  });
});

describe('access keys', () => {
  test('with none configured, a pair is generated once into credentials.json with mode 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facegate-keys-'));
    try {
      const first = loadKeyRing(config.auth, dir);
      assert.equal(first.source, 'generated');
      assert.ok(first.generated);
      assert.match(first.generated.accessKeyId, /^AKFG[A-Z2-7]{16}$/);
      const file = join(dir, 'credentials.json');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const second = loadKeyRing(config.auth, dir);
      assert.equal(second.source, 'credentials-file');
      assert.equal(second.generated, undefined, 'the secret is shown only on first generation');
      assert.equal(second.find(first.generated.accessKeyId)?.secretAccessKey, first.generated.secretAccessKey);
      assert.ok(readFileSync(file, 'utf8').includes(first.generated.secretAccessKey));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a keys file holds several keys; an invalid one is refused naming the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facegate-keysfile-'));
    try {
      const file = join(dir, 'keys.json');
      const a = { accessKeyId: 'AKFGFIRSTKEY00000001', secretAccessKey: 'a'.repeat(40) };
      const b = { accessKeyId: 'AKFGSECONDKEY0000002', secretAccessKey: 'b'.repeat(40) };
      writeFileSync(file, JSON.stringify([a, b]));
      const ring = loadKeyRing({ ...config.auth, keysFile: file }, dir);
      assert.equal(ring.source, 'keys-file');
      assert.equal(ring.find(b.accessKeyId)?.secretAccessKey, b.secretAccessKey);
      assert.equal(ring.find('AKFGNOBODY'), undefined);
      writeFileSync(file, JSON.stringify([{ accessKeyId: 'short', secretAccessKey: 'x' }]));
      assert.throws(() => loadKeyRing({ ...config.auth, keysFile: file }, dir), /Invalid keys file.*accessKeyId/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('configured keys win over the data directory, and a half-configured pair is refused', () => {
    const c = loadConfig({ FACEGATE_ACCESS_KEY_ID: 'AKIDEXAMPLE12345', FACEGATE_SECRET_ACCESS_KEY: 's'.repeat(40) });
    const ring = loadKeyRing(c.auth, dataDir);
    assert.equal(ring.source, 'config');
    assert.deepEqual(ring.ids, ['AKIDEXAMPLE12345']);
    const half = loadConfig({ FACEGATE_ACCESS_KEY_ID: 'AKIDEXAMPLE12345' });
    assert.throws(() => loadKeyRing(half.auth, dataDir), /must be set together/);
  });

  test('X-Forwarded-For sets the client address only when it comes from a proxy FACEGATE_TRUST_PROXY names', async () => {
    const cases: [string | undefined, string][] = [
      [undefined, '127.0.0.1'],
      // The client sent 203.0.113.9 itself; the proxy on loopback appended the address it saw, 198.51.100.4.
      ['loopback', '198.51.100.4'],
      ['10.0.0.0/8, 192.168.0.0/16', '127.0.0.1'],
    ];
    for (const [trust, expected] of cases) {
      const env = trust ? { FACEGATE_TRUST_PROXY: trust } : {};
      const container = createContainer(loadConfig(env, { dataDir }), logger, { overrides: stubs() });
      const app = await buildApp(container, { noAuth: true });
      app.get('/client-address', async (request) => ({ ip: request.ip }));
      const r = await app.inject({
        method: 'GET',
        url: '/client-address',
        headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.4' },
      });
      assert.equal(r.json().ip, expected, String(trust));
      await app.close();
      await container.close();
    }
  });
});
