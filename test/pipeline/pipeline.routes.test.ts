// The pipeline's REST routes in-process (fastify inject), over the real pipeline part with fake vision.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openPipeline, type OpenedPipeline } from '../../src/apps/pipeline/pipeline.factory.ts';
import { restPlugin } from '../../src/api/rest/rest.plugin.ts';
import { pipelineRoutes } from '../../src/api/rest/routes/pipeline.routes.ts';
import { FakeFaces, FakeThumbnailer, MemoryObjectStore, portrait } from './fakes.ts';

const MB = 1024 * 1024;
const logger = createLogger('silent');

describe('pipeline REST routes and ingest', () => {
  let dir: string;
  let watchDir: string;
  let p: OpenedPipeline;
  let app: FastifyInstance;
  const faces = new FakeFaces();
  const objects = new MemoryObjectStore();
  const config = () =>
    loadConfig({ FACEGATE_DATA_DIR: dir, FACEGATE_JOBS_POLL_MS: '20', FACEGATE_JOBS_BACKOFF_MS: '5' });
  const open = () => openPipeline({ config: config(), logger, faces, objects, thumbnails: new FakeThumbnailer() });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fg-routes-'));
    watchDir = join(dir, 'inbox');
    mkdirSync(watchDir);
    for (let b = 1; b < 200; b++) faces.scenes.set(b, [portrait()]);
    p = await open();
    await p.service.define(
      { name: 'watched', collectionId: 'watched', bucket: 'watched', watchDir },
      { fromConfig: true },
    );
    app = Fastify();
    await app.register(
      restPlugin({
        keys: {} as never,
        limiter: {} as never,
        disabled: true,
        publicReads: false,
        maxImageBytes: 5 * MB,
        version: 'test',
        routes: pipelineRoutes(() => Promise.resolve(p), 5 * MB, 15 * MB),
      }),
    );
  });
  after(async () => {
    await app.close();
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('POST /v1/pipelines/default/uploads starts a run whose detail shows steps, record and events', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pipelines/default/uploads?userId=carol',
      headers: { 'content-type': 'image/jpeg' },
      payload: Buffer.from([1]),
    });
    assert.equal(res.statusCode, 202, res.body);
    const { runId } = res.json<{ runId: string }>();
    await p.engine.waitForRun(runId);
    const detail = (await app.inject({ method: 'GET', url: `/v1/runs/${runId}` })).json();
    assert.equal(detail.state, 'succeeded');
    assert.equal(detail.steps.length, 5);
    assert.equal(detail.record.userId, 'carol');
    assert.deepEqual(
      detail.events.map((e: { type: string }) => e.type),
      ['pipeline.started', 'face.unknown', 'face.indexed', 'pipeline.succeeded'],
    );
    const list = (await app.inject({ method: 'GET', url: '/v1/runs?pipeline=default&state=succeeded' })).json();
    assert.ok(list.runs.some((r: { runId: string }) => r.runId === runId));
  });

  test('POST /v1/runs/<id>/retry starts a new run on the same photo', async () => {
    faces.scenes.set(9, []);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pipelines/default/uploads',
      headers: { 'content-type': 'image/jpeg' },
      payload: Buffer.from([9]),
    });
    const first = await p.engine.waitForRun(res.json().runId);
    assert.equal(first.error?.code, 'PhotoDoesNotMeetRequirement');
    faces.scenes.set(9, [portrait()]);
    const again = await app.inject({ method: 'POST', url: `/v1/runs/${first.id}/retry` });
    assert.equal(again.statusCode, 202, again.body);
    assert.notEqual(again.json().runId, first.id);
    assert.equal(again.json().input.key, first.input.key);
    assert.equal((await p.engine.waitForRun(again.json().runId)).state, 'succeeded');
  });

  test('an unknown pipeline is a 404 with the error code', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pipelines/nope/uploads',
      headers: { 'content-type': 'image/jpeg' },
      payload: Buffer.from([1]),
    });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'NOT_FOUND');
  });

  test('a bucket PUT takes objects up to the 15 MB S3Object limit, not only the 5 MB inline limit', async () => {
    // The bucket API writes only into buckets a pipeline is bound to.
    const bind = await app.inject({ method: 'PUT', url: '/v1/pipelines/archive', payload: { bucket: 'archive' } });
    assert.equal(bind.statusCode, 200, bind.body);
    const put = (size: number) =>
      app.inject({
        method: 'PUT',
        url: '/v1/buckets/archive/objects/big.jpg',
        headers: { 'content-type': 'image/jpeg' },
        payload: Buffer.alloc(size, 1),
      });
    const ok = await put(6 * MB);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().size, 6 * MB);
    assert.equal((await put(15 * MB + 1)).statusCode, 413);
  });

  test('a PUT into a bound bucket and an S3 event notification each start a run', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/buckets/uploads/objects/people/dave.jpg',
      headers: { 'content-type': 'image/jpeg' },
      payload: Buffer.from([2]),
    });
    assert.equal(put.statusCode, 200, put.body);
    const putRun = put.json().runs[0];
    assert.equal(putRun.input.key, 'people/dave.jpg');
    assert.equal((await p.engine.waitForRun(putRun.runId)).state, 'succeeded');

    await objects.put('uploads', 'from-s3/erin.jpg', new Uint8Array([3]));
    const event = {
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: 'uploads' }, object: { key: 'from-s3/erin.jpg', sequencer: 'A1' } },
        },
      ],
    };
    const s3 = await app.inject({ method: 'POST', url: '/v1/pipelines/s3-events', payload: event });
    assert.equal(s3.statusCode, 202, s3.body);
    const s3Run = s3.json().runs[0];
    assert.equal(s3Run.input.source, 's3-event');
    assert.equal((await p.engine.waitForRun(s3Run.runId)).state, 'succeeded');
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/pipelines/s3-events',
      payload: { Records: [{ s3: {} }] },
    });
    assert.equal(bad.statusCode, 400);
  });

  test('a webhook subscription returns its secret once; listings never show it', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      payload: { channel: 'webhook', target: 'http://127.0.0.1:9/hook' },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.ok(res.json().secret.length >= 16);
    const list = (await app.inject({ method: 'GET', url: '/v1/subscriptions' })).json();
    assert.equal(list.subscriptions[0].secret, undefined);
    const email = await app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      payload: { channel: 'email', target: 'a@b.c' },
    });
    assert.equal(email.statusCode, 400, 'e-mail is refused while no SMTP server is configured');
    await app.inject({ method: 'DELETE', url: `/v1/subscriptions/${res.json().id}` });
  });

  test('a watched file starts one run, once, even after a restart', async () => {
    writeFileSync(join(watchDir, 'frank.jpg'), Buffer.from([4]));
    assert.equal((await p.watcher.scanOnce()).length, 0, 'first sighting: wait until the file is stable');
    const [run] = await p.watcher.scanOnce();
    assert.ok(run);
    assert.equal(run.input.key, 'watch/frank.jpg');
    assert.equal((await p.engine.waitForRun(run.id)).state, 'succeeded');
    assert.equal((await p.watcher.scanOnce()).length, 0);

    await p.close();
    p = await open();
    assert.equal((await p.watcher.scanOnce()).length, 0);
    assert.equal((await p.watcher.scanOnce()).length, 0, 'the same file is not ingested again after a restart');
    const runs = await p.service.runs({ pipeline: 'watched' });
    assert.equal(runs.length, 1);
  });
});
