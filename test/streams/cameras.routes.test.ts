// /v1/cameras CRUD through the REST plugin with a CameraManager on an in-memory store and an analyser that finds no
// face (no models needed): create, list, get, update, delete, the errors, and config-file cameras being read-only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { camerasRoutes } from '../../src/api/rest/routes/cameras.routes.ts';
import { createLogger } from '../../src/logger.ts';
import { CameraManager } from '../../src/streams/camera.manager.ts';
import { sqliteCameraStore } from '../../src/streams/camera.sqlite.ts';
import { cameraInputSchema } from '../../src/streams/camera.types.ts';
import { sharpAnnotator } from '../../src/streams/sharp.annotator.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { harness, type Harness } from '../api/rest/rest.harness.ts';

let h: Harness;
let manager: CameraManager;
const db = new BetterSqlite3(':memory:');

before(async () => {
  manager = new CameraManager({
    store: sqliteCameraStore(db),
    configCameras: [cameraInputSchema.parse({ id: 'porch', source: { kind: 'push' }, collectionId: 'door' })],
    analyser: {
      faces: async () => ({ width: 640, height: 480, faces: [] }),
      search: async () => [],
      similarity: () => 0,
    },
    objects: new LocalObjectStore(`/tmp/facegate-cameras-${randomUUID()}`),
    annotator: sharpAnnotator(),
    ffmpegPath: '/nonexistent/ffmpeg',
    ffmpeg: { ok: false, error: 'ffmpeg not found at /nonexistent/ffmpeg' },
    ids: randomUUID,
    now: () => new Date(),
    log: createLogger('silent'),
  });
  await manager.start();
  h = await harness({ routes: () => camerasRoutes(async () => manager, 1024 * 1024) });
});
after(async () => {
  await h?.close();
  await manager?.close();
  db.close();
});

const admin = () => ({ 'x-api-key': h.admin });

test('cameras are created, listed, read, replaced and deleted through /v1/cameras', async () => {
  const body = {
    id: 'gate',
    name: 'Gate',
    source: { kind: 'rtsp', url: 'rtsp://u:pw@10.0.0.9/s' },
    collectionId: 'door',
    fps: 2,
  };
  const created = await h.app.inject({ method: 'POST', url: '/v1/cameras', headers: admin(), payload: body });
  assert.equal(created.statusCode, 201, created.body);
  const view = created.json<{
    spec: { source: { url: string }; fps: number; cooldownSeconds: number };
    origin: string;
  }>();
  assert.equal(view.spec.source.url, 'rtsp://***@10.0.0.9/s');
  assert.equal(view.spec.fps, 2);
  assert.equal(view.spec.cooldownSeconds, 60, 'defaults are filled in');
  assert.equal(view.origin, 'api');
  const dup = await h.app.inject({ method: 'POST', url: '/v1/cameras', headers: admin(), payload: body });
  assert.equal(dup.statusCode, 409);

  const list = await h.app.inject({ method: 'GET', url: '/v1/cameras', headers: admin() });
  assert.deepEqual(
    list.json<{ cameras: { id: string }[] }>().cameras.map((c) => c.id),
    ['gate', 'porch'],
  );
  // Without ffmpeg the RTSP camera cannot run; its status says why (and the health report says ffmpeg is missing).
  assert.equal(manager.health().ffmpeg.available, false);

  const put = await h.app.inject({
    method: 'PUT',
    url: '/v1/cameras/gate',
    headers: admin(),
    payload: { source: { kind: 'push' }, collectionId: 'door', threshold: 90 },
  });
  assert.equal(put.statusCode, 200, put.body);
  assert.equal(put.json<{ spec: { threshold: number } }>().spec.threshold, 90);
  assert.equal((await sqliteCameraStore(db).get('gate'))?.spec.threshold, 90, 'the change is stored');

  const status = await h.app.inject({ method: 'GET', url: '/v1/cameras/gate/status', headers: admin() });
  assert.equal(status.statusCode, 200);
  assert.ok('framesDropped' in status.json<Record<string, unknown>>());
  const del = await h.app.inject({ method: 'DELETE', url: '/v1/cameras/gate', headers: admin() });
  assert.equal(del.statusCode, 200);
  assert.equal((await h.app.inject({ method: 'GET', url: '/v1/cameras/gate', headers: admin() })).statusCode, 404);
});

test('bad input and config-file cameras get clear 4xx answers', async () => {
  const bad = await h.app.inject({
    method: 'POST',
    url: '/v1/cameras',
    headers: admin(),
    payload: { id: 'x', source: { kind: 'rtsp', url: 'http://not-rtsp' }, collectionId: 'door' },
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /source\.url/);
  const ro = await h.app.inject({ method: 'DELETE', url: '/v1/cameras/porch', headers: admin() });
  assert.equal(ro.statusCode, 409);
  const user = await h.app.inject({
    method: 'POST',
    url: '/v1/cameras',
    headers: { 'x-api-key': h.user },
    payload: { id: 'y', source: { kind: 'push' }, collectionId: 'door' },
  });
  assert.equal(user.statusCode, 403, 'creating cameras needs an admin key');
  const notPush = await h.app.inject({ method: 'GET', url: '/v1/cameras/porch/snapshot', headers: admin() });
  assert.equal(notPush.statusCode, 404, 'no frame yet');
});
