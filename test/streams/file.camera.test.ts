// A camera on a video file made by ffmpeg from fixture photos: the known person walks in, stays and leaves, then a
// stranger comes: exactly one known visit, one unknown visit, and a `left` for each, through the real engine.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { doorFrames, doorVideo, KNOWN, openWorld, type World } from './streams.harness.ts';

let world: World;
let video: string;
before(async () => {
  world = await openWorld();
  video = await doorVideo(world.dir, await doorFrames());
});
after(async () => world?.close());

test('a file camera gives one known visit, one unknown visit and a left for each', async () => {
  const { manager, sink } = world;
  await manager.create({
    id: 'front',
    source: { kind: 'file', path: video, loop: false },
    collectionId: 'door',
    doorId: 'front-door',
  });
  await manager.drained('front');
  const status = manager.get('front').status;
  assert.equal(status.state, 'ended', status.lastError ?? '');
  const kinds = sink.visits.map((v) => v.verdict.kind);
  assert.deepEqual(kinds, ['known', 'unknown'], JSON.stringify(sink.visits.map((v) => [v.verdict, v.framesSeen])));
  const [known, stranger] = sink.visits as [(typeof sink.visits)[0], (typeof sink.visits)[0]];
  assert.equal(known.verdict.kind === 'known' && known.verdict.externalImageId, KNOWN);
  assert.equal(known.doorId, 'front-door');
  assert.ok(stranger.framesSeen >= 2, 'a stranger is called unknown only after two frames');
  assert.ok(known.snapshots.length >= 1 && known.snapshots[0]!.jpeg[0] === 0xff);
  assert.deepEqual(
    sink.lefts.map((l) => l.visitId),
    [known.id, stranger.id],
  );
  const recent = await manager.recentVisits({ cameraId: 'front', limit: 10 });
  assert.equal(recent.length, 2);
  assert.ok(recent.every((r) => r.leftAt !== null));
  const jpeg = await manager.visitSnapshot(known.id);
  assert.ok(jpeg && jpeg[0] === 0xff && jpeg[1] === 0xd8, 'the best frame is stored');
  const live = await manager.snapshot('front');
  assert.ok(live && live[0] === 0xff, 'the live view has the last frame');
});
