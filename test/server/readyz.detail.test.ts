// /readyz names each part's driver: here the object store, chosen by FACEGATE_S3_BUCKET (a real S3 server, s3rver).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainer } from '../../src/app/container.ts';
import type { CollectionService } from '../../src/collections/collection.service.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { Metrics } from '../../src/metrics/metrics.registry.ts';
import { buildApp } from '../../src/server/app.ts';
import type { FaceEngine } from '../../src/vision/vision.types.ts';
import { startS3Server } from '../helpers/s3.server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'facegate-readyz-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function readyz(env: Record<string, string>) {
  const container = createContainer(loadConfig(env, { dataDir }), createLogger('silent'), {
    metrics: new Metrics({ processMetrics: false }),
    overrides: {
      engine: { close: async () => undefined } as unknown as FaceEngine,
      collections: {} as CollectionService,
    },
  });
  const app = await buildApp(container, { noAuth: true });
  try {
    await container.settled();
    return (await app.inject({ method: 'GET', url: '/readyz' })).json<{ parts: Record<string, unknown> }>();
  } finally {
    await app.close();
    await container.close();
  }
}

test('readyz shows the local object store on the embedded default', async () => {
  assert.deepEqual((await readyz({})).parts.objects, { status: 'ready', detail: { driver: 'local' } });
});

test('readyz shows the S3 bucket when FACEGATE_S3_BUCKET selects the S3 driver', async () => {
  const server = await startS3Server();
  try {
    const body = await readyz({
      FACEGATE_S3_ENDPOINT: server.endpoint,
      FACEGATE_S3_BUCKET: 'facegate',
      FACEGATE_S3_ACCESS_KEY_ID: server.accessKeyId,
      FACEGATE_S3_SECRET_ACCESS_KEY: server.secretAccessKey,
      FACEGATE_S3_FORCE_PATH_STYLE: 'true',
    });
    assert.deepEqual(body.parts.objects, {
      status: 'ready',
      detail: { driver: 's3', bucket: 'facegate', endpoint: server.endpoint },
    });
  } finally {
    await server.stop();
  }
});
