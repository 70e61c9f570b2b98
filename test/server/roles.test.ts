// Process roles: what `facegate serve --role api|worker|all` runs, and when the data-directory lock applies.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainer } from '../../src/app/container.ts';
import { dataDirState, rolePlan } from '../../src/app/deployment.ts';
import type { CollectionService } from '../../src/collections/collection.service.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { Metrics } from '../../src/metrics/metrics.registry.ts';
import { buildApp } from '../../src/server/app.ts';
import type { ObjectStore } from '../../src/storage/object-store.port.ts';
import type { FaceEngine } from '../../src/vision/vision.types.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'facegate-roles-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

test('roles: api serves HTTP without workers, worker runs workers behind health routes, all does both', () => {
  assert.deepEqual(rolePlan('api'), { http: 'full', workers: false });
  assert.deepEqual(rolePlan('worker'), { http: 'health', workers: true });
  assert.deepEqual(rolePlan('all'), { http: 'full', workers: true });
  assert.equal(loadConfig({}).server.role, 'all');
  assert.equal(loadConfig({ FACEGATE_ROLE: 'worker' }).server.role, 'worker');
  assert.throws(() => loadConfig({ FACEGATE_ROLE: 'boss' }), /server\.role|FACEGATE_ROLE/);
});

test('the data directory must have one owner while it holds state, and names what it holds', () => {
  assert.deepEqual(dataDirState(loadConfig({})), [
    'collections, people and keys (SQLite)',
    'pipeline runs, events and deliveries (SQLite)',
    'objects (local directory)',
    'jobs (SQLite)',
  ]);
  const scaled = loadConfig({
    FACEGATE_DATABASE_URL: 'postgres://db/facegate',
    FACEGATE_S3_BUCKET: 'facegate',
    FACEGATE_JOBS_DRIVER: 'postgres',
  });
  // Every table on Postgres and objects in S3: nothing left in the data directory, so no lock.
  assert.deepEqual(dataDirState(scaled), []);
  // On Postgres the queue is pg-boss whatever FACEGATE_JOBS_DRIVER says; local objects still need an owner.
  assert.deepEqual(dataDirState(loadConfig({ FACEGATE_DATABASE_URL: 'postgres://db/facegate' })), [
    'objects (local directory)',
  ]);
  assert.deepEqual(dataDirState(loadConfig({ FACEGATE_S3_BUCKET: 'facegate', FACEGATE_JOBS_DRIVER: 'postgres' })), [
    'collections, people and keys (SQLite)',
    'pipeline runs, events and deliveries (SQLite)',
  ]);
});

test('a worker process answers only /healthz, /readyz and /metrics', async () => {
  const config = loadConfig({ FACEGATE_ROLE: 'worker' }, { dataDir });
  const container = createContainer(config, createLogger('silent'), {
    metrics: new Metrics({ processMetrics: false }),
    overrides: {
      engine: { close: async () => undefined } as unknown as FaceEngine,
      collections: {} as CollectionService,
      objects: {} as ObjectStore,
    },
  });
  const app = await buildApp(container, { noAuth: true });
  await container.settled();
  try {
    for (const url of ['/healthz', '/metrics'])
      assert.equal((await app.inject({ method: 'GET', url })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/v1/collections' })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/' })).statusCode, 404);
    const rek = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'x-amz-target': 'RekognitionService.ListCollections', 'content-type': 'application/x-amz-json-1.1' },
      payload: '{}',
    });
    // The Rekognition protocol is not routed here: the not-found error, in the AWS shape.
    assert.equal(rek.statusCode, 400);
    assert.match(rek.body, /No route POST \//);
  } finally {
    await app.close();
    await container.close();
  }
});
