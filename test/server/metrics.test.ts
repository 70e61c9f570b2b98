// GET /metrics: the Prometheus page, what it counts, the optional bearer token, and the gauges other parts add.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenedPipeline } from '../../src/apps/pipeline/pipeline.factory.ts';
import { createContainer } from '../../src/app/container.ts';
import type { CollectionService } from '../../src/collections/collection.service.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { Metrics } from '../../src/metrics/metrics.registry.ts';
import { timedRuntime } from '../../src/metrics/timed.runtime.ts';
import { buildApp } from '../../src/server/app.ts';
import type { ObjectStore } from '../../src/storage/object-store.port.ts';
import type { InferenceRuntime } from '../../src/vision/runtime/inference.port.ts';
import type { CameraManager } from '../../src/streams/camera.manager.ts';
import type { FaceEngine } from '../../src/vision/vision.types.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'facegate-metrics-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const logger = createLogger('silent');

function containerWith(config = loadConfig({}, { dataDir })) {
  const collections = {
    listCollections: async () => ({ collectionIds: ['doors', 'staff'], faceModelVersions: ['x', 'x'] }),
    describeCollection: async (id: string) => ({ faceCount: id === 'doors' ? 3 : 12 }),
  } as unknown as CollectionService;
  const pipeline = {
    queue: { counts: async () => ({ queued: 4, active: 1, completed: 9, dead: 2 }) },
    close: async () => undefined,
  } as unknown as OpenedPipeline;
  return createContainer(config, logger, {
    metrics: new Metrics({ processMetrics: false }),
    overrides: {
      engine: { close: async () => undefined } as unknown as FaceEngine,
      collections,
      objects: {} as ObjectStore,
      pipeline,
      cameras: {
        list: () => [{ spec: { id: 'door-cam' }, status: { fps: 4.5, framesDropped: 7 } }],
        close: async () => undefined,
      } as unknown as CameraManager,
    },
  });
}

const value = (page: string, series: string): number | undefined => {
  const line = page.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

test('metrics count requests by API, operation (route pattern, never raw paths) and status', async () => {
  const container = containerWith();
  const app = await buildApp(container, { noAuth: true });
  await container.settled();
  await app.inject({ method: 'GET', url: '/healthz' });
  await app.inject({ method: 'GET', url: '/healthz' });
  await app.inject({ method: 'GET', url: '/no/such/page/12345' });
  await app.inject({
    method: 'POST',
    url: '/',
    headers: { 'x-amz-target': 'RekognitionService.NotAnOperation', 'content-type': 'application/x-amz-json-1.1' },
    payload: '{}',
  });
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /text\/plain/);
  const page = res.body;
  assert.equal(value(page, 'facegate_requests_total{api="other",operation="GET /healthz",status="200"}'), 2);
  assert.equal(value(page, 'facegate_requests_total{api="other",operation="unmatched",status="404"}'), 1);
  assert.ok(page.includes('facegate_requests_total{api="rekognition",operation="unknown",status="400"}'), page);
  assert.ok(!page.includes('12345'), 'no raw path in a label');
  assert.equal(value(page, 'facegate_request_duration_seconds_count{api="other",operation="GET /healthz"}'), 2);
  assert.equal(value(page, 'facegate_jobs{state="queued"}'), 4);
  assert.equal(value(page, 'facegate_jobs{state="dead"}'), 2);
  assert.equal(value(page, 'facegate_collection_faces{collection="staff"}'), 12);
  assert.equal(value(page, 'facegate_camera_fps{camera="door-cam"}'), 4.5);
  assert.equal(value(page, 'facegate_camera_frames_dropped{camera="door-cam"}'), 7);
  await app.close();
  await container.close();
});

test('with FACEGATE_METRICS_TOKEN set, /metrics needs that bearer token', async () => {
  const token = 'metrics-token-0123456789';
  const container = containerWith(loadConfig({ FACEGATE_METRICS_TOKEN: token }, { dataDir }));
  const app = await buildApp(container, { noAuth: true });
  assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
  const wrong = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } });
  assert.equal(wrong.statusCode, 401);
  const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
  assert.equal(ok.statusCode, 200);
  await app.close();
  await container.close();
});

test('a part registers its own gauge (e.g. camera fps), read at scrape time; a failing one is left out', async () => {
  const metrics = new Metrics({ processMetrics: false });
  let fps = 7.5;
  metrics.gauge('facegate_camera_fps', 'Frames analysed per second', ['camera'], (set) => set({ camera: 'door' }, fps));
  metrics.gauge('facegate_broken', 'Always fails', ['source'], () => {
    throw new Error('source down');
  });
  assert.equal(value((await metrics.render()).body, 'facegate_camera_fps{camera="door"}'), 7.5);
  fps = 9;
  const page = (await metrics.render()).body;
  assert.equal(value(page, 'facegate_camera_fps{camera="door"}'), 9);
  assert.ok(!/^facegate_broken\{/m.test(page));
  assert.equal(value(page, 'facegate_metrics_collect_errors_total{gauge="facegate_broken"}'), 2);
});

test('inference time is recorded per model for every session run', async () => {
  const metrics = new Metrics({ processMetrics: false });
  const inner: InferenceRuntime = {
    session: async (name) => ({ name, inputNames: ['x'], outputNames: ['y'], run: async () => ({}) }),
    close: async () => undefined,
  };
  const runtime = timedRuntime(inner, metrics);
  const s = await runtime.session('blazeface');
  await s.run({});
  await (await runtime.session('blazeface')).run({});
  await (await runtime.session('arcface')).run({});
  const page = (await metrics.render()).body;
  assert.equal(value(page, 'facegate_inference_duration_seconds_count{model="blazeface"}'), 2);
  assert.equal(value(page, 'facegate_inference_duration_seconds_count{model="arcface"}'), 1);
});
