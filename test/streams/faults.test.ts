// Sources that cannot run fail clearly and safely: a missing ffmpeg is named, a camera that refuses the connection
// gives an error without its credentials, a snapshot URL that answers something else than a JPEG is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FfmpegSource, probeFfmpeg, rtspTimeoutOption } from '../../src/streams/sources/ffmpeg.source.ts';
import { SnapshotSource } from '../../src/streams/sources/snapshot.source.ts';
import { ffmpegPath } from '../helpers/services.ts';

const options = { fps: 5, maxWidth: 640, stallMs: 10_000 };

test('the RTSP socket timeout takes the option name of the ffmpeg at hand (ffmpeg 4: -stimeout, 5 and later: -timeout)', async () => {
  // The packaged build (the test runner's fallback) is ffmpeg 4, whose -timeout would make a pull camera listen.
  const packaged = join(
    dirname(createRequire(import.meta.url).resolve('@ffmpeg-installer/linux-x64/package.json')),
    'ffmpeg',
  );
  assert.equal(await rtspTimeoutOption(packaged), '-stimeout');
  const major = Number(/ffmpeg version (\d+)\./.exec(await probeFfmpeg(ffmpegPath()))?.[1]);
  if (major >= 5) assert.equal(await rtspTimeoutOption(ffmpegPath()), '-timeout');
  assert.equal(
    await rtspTimeoutOption('/nonexistent/ffmpeg'),
    '-timeout',
    'an ffmpeg that cannot run: the modern name',
  );
});

test('a missing ffmpeg is reported by name at probe time and when a camera starts', async () => {
  await assert.rejects(probeFfmpeg('/nonexistent/ffmpeg'), /ffmpeg not found at \/nonexistent\/ffmpeg/);
  const src = new FfmpegSource(
    { kind: 'file', path: 'x.mp4', loop: false },
    { ...options, ffmpegPath: '/nonexistent/ffmpeg' },
  );
  await assert.rejects(
    src.run(() => undefined, new AbortController().signal),
    /ffmpeg not found/,
  );
  assert.match(await probeFfmpeg(ffmpegPath()), /ffmpeg version/);
});

test('an RTSP camera that refuses the connection fails without showing its password', async () => {
  // A port that was just free: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const src = new FfmpegSource(
    { kind: 'rtsp', url: `rtsp://admin:hunter2@127.0.0.1:${port}/stream`, listen: false },
    { ...options, ffmpegPath: ffmpegPath() },
  );
  const err = await src
    .run(() => undefined, new AbortController().signal)
    .then(
      () => assert.fail('expected a failure'),
      (e: Error) => e,
    );
  assert.match(err.message, /ffmpeg exited/);
  assert.ok(!err.message.includes('hunter2'), err.message);
});

test('a snapshot URL that is not a JPEG fails the source with the URL redacted', async () => {
  const web = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  try {
    const { port } = web.address() as { port: number };
    const src = new SnapshotSource(`http://viewer:secret@127.0.0.1:${port}/snap.jpg`, 200);
    await assert.rejects(
      src.run(() => undefined, new AbortController().signal),
      (e: Error) => {
        assert.match(e.message, /is not a JPEG/);
        assert.ok(!e.message.includes('secret'));
        return true;
      },
    );
  } finally {
    web.close();
  }
});
