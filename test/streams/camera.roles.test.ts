// Cameras across processes on one Postgres: API processes keep the definitions and serve CRUD but run no camera
// stream; processes that run background work follow the store and exactly one of them runs each camera (advisory
// lock claims), taking over when the runner goes away. Then through real containers: a camera created through an
// API-role process runs in the worker-role process only; a stream processor started through one process is attached
// by another.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createContainer } from '../../src/app/container.ts';
import { loadConfig } from '../../src/config/config.ts';
import { FacegateError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { Metrics } from '../../src/metrics/metrics.registry.ts';
import { pgCameraClaims } from '../../src/streams/camera.claims.ts';
import { CameraManager } from '../../src/streams/camera.manager.ts';
import { pgCameraStore } from '../../src/streams/camera.pg.ts';
import { pgProcessorStore } from '../../src/streams/processors/processor.pg.ts';
import { ProcessorService } from '../../src/streams/processors/processor.service.ts';
import { sharpAnnotator } from '../../src/streams/sharp.annotator.ts';
import type { VisitSink } from '../../src/streams/visit.types.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { startServer } from '../api/rekognition/rekognition.harness.ts';
import { stubEngine } from '../api/rekognition/stub.engine.ts';
import { waitFor } from '../scale/process.harness.ts';
import { freshPgSchema } from '../helpers/services.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'fg-camroles-'));
  dirs.push(d);
  return d;
};
const log = createLogger('silent');
// A pushed-frames camera needs no ffmpeg and no frames to run; no frame arrives, so the analyser is never asked.
const gate = { id: 'gate', source: { kind: 'push' as const }, collectionId: 'door' };

/** One "process": its own pool (its own sessions), a manager that runs cameras or not. */
async function processOn(url: string, schema: string, runs: boolean) {
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  const manager = new CameraManager({
    store: await pgCameraStore(pool, schema),
    configCameras: [],
    analyser: {
      faces: async () => ({ width: 640, height: 480, faces: [] }),
      search: async () => [],
      similarity: () => 0,
    },
    objects: new LocalObjectStore(tempDir()),
    annotator: sharpAnnotator(),
    ffmpegPath: '/nonexistent/ffmpeg',
    ffmpeg: { ok: false, error: 'not needed' },
    ids: randomUUID,
    now: () => new Date(),
    log,
    runs,
    ...(runs && { claims: pgCameraClaims(pool, schema, log) }),
  });
  await manager.start();
  return { manager, close: async () => (await manager.close(), await pool.end()) };
}

test('one process runs each camera; API processes serve CRUD only; the camera moves when its runner goes', async () => {
  const db = await freshPgSchema('camroles');
  const api = await processOn(db.url, db.schema, false);
  const one = await processOn(db.url, db.schema, true);
  const two = await processOn(db.url, db.schema, true);
  try {
    const created = await api.manager.create(gate);
    assert.equal(created.status.state, 'remote');
    assert.equal(api.manager.runsHere('gate'), false);
    assert.throws(
      () => api.manager.push('gate', Buffer.from([0xff, 0xd8, 0xff])),
      (e: unknown) => e instanceof FacegateError && e.code === 'CONFLICT' && /another process/.test(e.message),
    );

    await Promise.all([one.manager.sync(), two.manager.sync()]);
    const runners = [one, two].filter((p) => p.manager.runsHere('gate'));
    assert.equal(runners.length, 1, 'exactly one process runs the camera');
    const [runner, other] = runners[0] === one ? [one, two] : [two, one];
    assert.equal(runner.manager.get('gate').status.state === 'remote', false);
    assert.equal(other.manager.get('gate').status.state, 'remote');

    // A change through the API process reaches the runner at its next sync (the camera restarts with it).
    await api.manager.update('gate', { ...gate, fps: 2 });
    await runner.manager.sync();
    assert.equal(runner.manager.get('gate').spec.fps, 2);
    assert.equal(runner.manager.runsHere('gate'), true);

    // The runner goes away (its session's locks with it): the other process takes the camera.
    await runner.close();
    await other.manager.sync();
    assert.equal(other.manager.runsHere('gate'), true);

    // Deleted through the API process: stopped where it ran.
    await api.manager.delete('gate');
    await other.manager.sync();
    assert.equal(other.manager.runsHere('gate'), false);
    assert.throws(() => other.manager.get('gate'), /does not exist/);
  } finally {
    await Promise.allSettled([api.close(), one.close(), two.close()]);
    await db.close();
  }
});

test('a camera created through an API-role process runs in the worker-role process only', { timeout: 60_000 }, async () => {
  const db = await freshPgSchema('camrole');
  const env = {
    FACEGATE_DATABASE_URL: db.url,
    FACEGATE_DATABASE_SCHEMA: db.schema,
    FACEGATE_CAMERAS_SYNC_MS: '200',
  };
  const api = await startServer({ overrides: { engine: stubEngine } }, { ...env, FACEGATE_ROLE: 'api' });
  const worker = createContainer(loadConfig({ ...env, FACEGATE_ROLE: 'worker' }, { dataDir: tempDir() }), log, {
    overrides: { engine: stubEngine },
    metrics: new Metrics({ processMetrics: false }),
  });
  try {
    const admin = (await (await api.container.get('restKeys')).create({ name: 'admin', role: 'admin' })).key;
    const made = await fetch(`${api.url}/v1/cameras`, {
      method: 'POST',
      headers: { 'x-api-key': admin, 'content-type': 'application/json' },
      body: JSON.stringify(gate),
    });
    assert.equal(made.status, 201, await made.text());
    const cameras = await worker.get('cameras');
    await waitFor('the worker to run the camera', async () => (cameras.runsHere('gate') ? true : undefined), 20_000);
    assert.equal((await api.container.get('cameras')).runsHere('gate'), false);
    const status = await fetch(`${api.url}/v1/cameras/gate/status`, { headers: { 'x-api-key': admin } });
    assert.equal(((await status.json()) as { state: string }).state, 'remote');
    // The API process still deletes it; the worker stops it at its next sync.
    const gone = await fetch(`${api.url}/v1/cameras/gate`, { method: 'DELETE', headers: { 'x-api-key': admin } });
    assert.equal(gone.status, 200);
    await waitFor('the worker to stop the camera', async () => (cameras.runsHere('gate') ? undefined : true), 20_000);
  } finally {
    await api.close();
    await worker.close();
    await db.close();
  }
});

test('a stream processor started through one process is attached, and detached, by another at its sync', async () => {
  const db = await freshPgSchema('procsync');
  const sent: unknown[] = [];
  const service = async () => {
    const sinks = new Set<VisitSink>();
    const s = new ProcessorService({
      store: await pgProcessorStore(db.pool, db.schema),
      cameras: { has: () => true, addSink: (x) => (sinks.add(x), () => void sinks.delete(x)) },
      collections: { describeCollection: async () => ({}), listFaces: async () => ({ faces: [] }) },
      target: () => ({ send: async (r) => void sent.push(r) }),
      now: () => new Date(),
      uuid: randomUUID,
      region: 'local',
      account: '000000000000',
      log,
    });
    return { s, sinks };
  };
  const api = await service();
  const worker = await service();
  try {
    await api.s.create({
      name: 'watch',
      inputArn: 'arn:aws:kinesisvideo:local:000000000000:stream/gate/1',
      outputArn: 'arn:aws:kinesis:local:000000000000:stream/out',
      roleArn: 'arn:aws:iam::000000000000:role/r',
      collectionId: 'door',
    });
    await api.s.start('watch');
    assert.equal(worker.sinks.size, 0);
    await worker.s.sync();
    assert.equal(worker.sinks.size, 1, 'attached where the camera runs');
    const face = { trackId: 't', box: { left: 0, top: 0, width: 1, height: 1 }, confidence: 99 };
    for (const sink of worker.sinks) {
      sink.frame?.({
        ...{ cameraId: 'gate', frameNumber: 1, producedAt: new Date(), receivedAt: new Date(), offsetSeconds: 0 },
        ...{ width: 640, height: 480, faces: [{ ...face, descriptor: new Float32Array(4), matches: [] }] },
      });
    }
    await waitFor('the record', async () => (sent.length ? true : undefined), 5000);
    await api.s.stop('watch');
    await worker.s.sync();
    assert.equal(worker.sinks.size, 0, 'detached once stopped elsewhere');
  } finally {
    await api.s.close();
    await worker.s.close();
    await db.close();
  }
});
