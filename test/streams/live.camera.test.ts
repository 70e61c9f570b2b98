// The same door scene through live sources: an HTTP MJPEG server in the test (multipart/x-mixed-replace), RTSP over
// TCP (an ffmpeg encoder publishes to the camera, which listens: ffmpeg has no RTSP server of its own), and frames
// pushed through the REST route as the door page does. Each gives one known and one unknown visit, then `left`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ffmpegPath } from '../helpers/services.ts';
import { harness, type Harness } from '../api/rest/rest.harness.ts';
import { cameraJson, camerasRoutes } from '../../src/api/rest/routes/cameras.routes.ts';
import { doorFrames, doorVideo, FPS, openWorld, type RecordingSink, type World } from './streams.harness.ts';

let world: World;
let frames: Buffer[];
let video: string;
before(async () => {
  world = await openWorld();
  frames = await doorFrames();
  video = await doorVideo(world.dir, frames);
});
after(async () => world?.close());

function assertDoorVisits(sink: RecordingSink, from: number) {
  const visits = sink.visits.slice(from);
  assert.deepEqual(
    visits.map((v) => v.verdict.kind),
    ['known', 'unknown'],
  );
  const ids = new Set(visits.map((v) => v.id));
  assert.equal(sink.lefts.filter((l) => ids.has(l.visitId)).length, 2);
}

/** Plays the scene once on the first connection; later connections get the empty scene (the door stays empty). */
function mjpegServer(): Promise<Server> {
  let connections = 0;
  const server = createServer((_req, res) => {
    const play = connections++ === 0 ? frames : frames.slice(0, 5);
    res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame' });
    let i = 0;
    const timer = setInterval(() => {
      const f = play[i++];
      if (!f) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${f.length}\r\n\r\n`);
      res.write(f);
      res.write('\r\n');
    }, 1000 / FPS);
    res.on('close', () => clearInterval(timer));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('an HTTP MJPEG camera gives one known and one unknown visit, then left', async () => {
  const server = await mjpegServer();
  try {
    const { port } = server.address() as AddressInfo;
    const from = world.sink.visits.length;
    await world.manager.create({
      id: 'mjpeg',
      source: { kind: 'mjpeg', url: `http://viewer:s3cret@127.0.0.1:${port}/video` },
      collectionId: 'door',
    });
    await world.sink.until(() => world.sink.visits.length >= from + 2 && world.sink.lefts.length >= from + 2);
    const view = world.manager.get('mjpeg');
    assert.ok(view.status.framesReceived > 0);
    assert.ok(!JSON.stringify(cameraJson(view)).includes('s3cret'), 'credentials never leave the server');
    await world.manager.delete('mjpeg');
    assertDoorVisits(world.sink, from);
  } finally {
    server.close();
  }
});

test('an RTSP camera (TCP transport) gives one known and one unknown visit, then left', async () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const url = `rtsp://127.0.0.1:${port}/door`;
  const from = world.sink.visits.length;
  await world.manager.create({ id: 'rtsp', source: { kind: 'rtsp', url, listen: true }, collectionId: 'door' });
  let publisher: ChildProcess | undefined;
  try {
    // The camera's ffmpeg listens first; the publisher retries until it connects (bounded).
    for (let attempt = 0; attempt < 20 && world.manager.get('rtsp').status.framesReceived === 0; attempt++) {
      publisher?.kill('SIGKILL');
      publisher = spawn(
        ffmpegPath(),
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-re',
          '-i',
          video,
          '-c',
          'copy',
          '-rtsp_transport',
          'tcp',
          '-f',
          'rtsp',
          url,
        ],
        { stdio: 'ignore' },
      );
      const exited = new Promise((r) => publisher!.once('exit', r));
      const started = world.sink
        .until(() => world.manager.get('rtsp').status.framesReceived > 0 || world.sink.frames > 0, 1500)
        .catch(() => undefined);
      await Promise.race([exited, started]);
    }
    await world.sink.until(() => world.sink.visits.length >= from + 2 && world.sink.lefts.length >= from + 2);
    assertDoorVisits(world.sink, from);
  } finally {
    publisher?.kill('SIGKILL');
    await world.manager.delete('rtsp');
  }
});

test('a push camera takes JPEG frames through POST /v1/cameras/{id}/frames and shows the live view', async () => {
  let h: Harness | undefined;
  try {
    h = await harness({ routes: () => camerasRoutes(async () => world.manager, 5 * 1024 * 1024) });
    const admin = { 'x-api-key': h.admin };
    const created = await h.app.inject({
      method: 'POST',
      url: '/v1/cameras',
      headers: admin,
      payload: { id: 'webcam', source: { kind: 'push' }, collectionId: 'door' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const from = world.sink.visits.length;
    for (const f of frames) {
      const r: { statusCode: number; body: string } = await h.app.inject({
        method: 'POST',
        url: '/v1/cameras/webcam/frames',
        headers: { ...admin, 'content-type': 'image/jpeg' },
        payload: f,
      });
      assert.equal(r.statusCode, 202, r.body);
      // Paced as the door page sends them (5 fps); the camera keeps only the latest if it falls behind.
      await new Promise<void>((r) => setTimeout(r, 1000 / FPS));
    }
    await world.sink.until(() => world.sink.lefts.length >= from + 2);
    assertDoorVisits(world.sink, from);
    const snap = await h.app.inject({ method: 'GET', url: '/v1/cameras/webcam/snapshot', headers: admin });
    assert.equal(snap.statusCode, 200);
    assert.equal(snap.headers['content-type'], 'image/jpeg');
    const list = await h.app.inject({ method: 'GET', url: '/v1/visits?cameraId=webcam', headers: admin });
    assert.equal(list.json<{ visits: unknown[] }>().visits.length, 2);
    const bad = await h.app.inject({
      method: 'POST',
      url: '/v1/cameras/webcam/frames',
      headers: { ...admin, 'content-type': 'image/jpeg' },
      payload: Buffer.from('not a jpeg'),
    });
    assert.equal(bad.statusCode, 400);
  } finally {
    await h?.close();
  }
});
