// The LivenessStore contract, run on SQLite (a file opened twice, as two processes do) and on Postgres (a fresh schema,
// two pools): idempotent creation per creator, frames added only while a session is open and below its maximum,
// exactly one claim of a session across both handles, verdicts and the failures they count against the session's
// lockout keys, and the sweep's expiry and removal with the objects they name.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FrameScore } from '../../src/liveness/liveness.challenge.ts';
import { DRIVERS, oneFace, open, session, T0, verdict, type Fixture } from './liveness.store.fixture.ts';

for (const [driver, make] of Object.entries(DRIVERS)) {
  describe(`LivenessStore contract: ${driver}`, () => {
    let f: Fixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => f.close());

    test('a session is created once per creator and client token, and read back through the other handle', async () => {
      const first = session({ clientToken: 'tok-1', output: { bucket: 'out', keyPrefix: 'runs/' } });
      assert.equal(await f.a.create(first), first.id);
      assert.equal(await f.b.create(session({ clientToken: 'tok-1' })), first.id);
      const other = session({ creator: 'apikey:k2', clientToken: 'tok-1' });
      assert.equal(await f.b.create(other), other.id, 'another creator gets its own session for the same token');
      const untokened = [session(), session()];
      for (const s of untokened) assert.equal(await f.a.create(s), s.id);
      const got = await f.b.get(first.id);
      assert.deepEqual(got, {
        id: first.id,
        creator: 'sigv4:AKID1',
        createdAt: T0,
        auditImagesLimit: 1,
        output: { bucket: 'out', keyPrefix: 'runs/' },
        status: 'CREATED',
        frameCount: 0,
        confidence: null,
        reason: null,
        subjectId: null,
        reference: null,
        audits: [],
        finishedAt: null,
      });
      assert.equal(await f.a.get(randomUUID()), undefined);
      assert.equal(await f.a.openCount(T0), 4);
      assert.equal(await f.a.openCount(T0 + 1), 0);
    });

    test('frames are numbered and kept with their score while the session is open, and refused after', async () => {
      const s = session();
      await f.a.create(s);
      assert.deepEqual(await f.b.addFrame(s.id, { score: oneFace(-8), objectKey: 'k/1' }, ['net:x'], open), { seq: 1 });
      const none: FrameScore = { faces: 0, yaw: 0, liveness: 0 };
      assert.deepEqual(await f.a.addFrame(s.id, { score: none, objectKey: null }, ['net:x', 'device:d'], open), {
        seq: 2,
      });
      assert.equal((await f.a.get(s.id))!.status, 'IN_PROGRESS');
      const frames = await f.b.frames(s.id);
      assert.deepEqual(
        frames.map((x) => [x.seq, x.objectKey, x.score.faces, x.score.yaw]),
        [
          [1, 'k/1', 1, -8],
          [2, null, 0, 0],
        ],
      );
      assert.deepEqual(frames[0]!.score.box, { left: 0.1, top: 0.2, width: 0.3, height: 0.4 });
      assert.deepEqual([...frames[0]!.score.descriptor!], [...Float32Array.from([0.6, 0.8])]);
      assert.equal(frames[1]!.score.descriptor, undefined);
      const late = { openSince: T0 + 1, maxFrames: 5 };
      assert.deepEqual(await f.a.addFrame(s.id, { score: none, objectKey: null }, [], late), { refused: 'ended' });
      assert.deepEqual(await f.a.addFrame(randomUUID(), { score: none, objectKey: null }, [], open), {
        refused: 'missing',
      });
      for (let i = 3; i <= 5; i++) await f.a.addFrame(s.id, { score: none, objectKey: null }, [], open);
      assert.deepEqual(await f.b.addFrame(s.id, { score: none, objectKey: null }, [], open), { refused: 'full' });
      assert.equal((await f.a.get(s.id))!.frameCount, 5);
    });

    test('of many concurrent claims through both handles exactly one wins; then frames are refused', async () => {
      const s = session();
      await f.a.create(s);
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? f.a : f.b).claim(s.id, open.openSince)),
      );
      assert.equal(claims.filter(Boolean).length, 1);
      assert.equal((await f.a.get(s.id))!.status, 'COMPLETING');
      assert.deepEqual(await f.b.addFrame(s.id, { score: oneFace(0), objectKey: 'k' }, [], open), { refused: 'ended' });
      const expired = session();
      await f.a.create(expired);
      assert.equal(await f.b.claim(expired.id, T0 + 1), false, 'an expired session cannot be claimed');
      assert.equal(await f.b.claim(randomUUID(), open.openSince), false);
    });

    test('a claim racing frames from the other handle sees every frame that was accepted, and none is accepted after', async () => {
      const s = session();
      await f.a.create(s);
      const bounds = { openSince: open.openSince, maxFrames: 60 };
      const adds = Array.from({ length: 24 }, (_, i) =>
        f.b.addFrame(s.id, { score: oneFace(i), objectKey: `k/${i}` }, [`net:${i % 3}`], bounds),
      );
      let claimedWith: number[] = [];
      // Claimed once a few frames are in, while the others are in flight on the other handle.
      const claim = adds[3]!.then(async () => {
        assert.equal(await f.a.claim(s.id, open.openSince), true);
        claimedWith = (await f.a.frames(s.id)).map((x) => x.seq);
      });
      const outcomes = await Promise.all(adds);
      await claim;
      const accepted = outcomes.flatMap((o) => ('seq' in o ? [o.seq] : [])).sort((x, y) => x - y);
      assert.ok(accepted.length >= 4, `${accepted.length} frames accepted`);
      assert.deepEqual(claimedWith, accepted);
      assert.deepEqual(
        outcomes.filter((o) => !('seq' in o)).map((o) => ('refused' in o ? o.refused : '')),
        Array(24 - accepted.length).fill('ended'),
      );
    });

    test('a failed verdict counts one failure per lockout key of the session; a passed one none', async () => {
      const failed = session();
      const passed = session();
      for (const s of [failed, passed]) {
        await f.a.create(s);
        await f.a.addFrame(s.id, { score: oneFace(0), objectKey: 'k' }, ['net:a', 'device:d'], open);
        await f.b.addFrame(s.id, { score: oneFace(20), objectKey: 'k2' }, ['net:a', 'net:b'], open);
        assert.equal(await f.a.claim(s.id, open.openSince), true);
      }
      const image = { box: { left: 0, top: 0, width: 1, height: 1 }, frameKey: 'k' };
      assert.equal(await f.a.finish(failed.id, verdict({ reference: image })), true);
      assert.equal(await f.b.finish(failed.id, verdict()), false, 'a verdict is recorded once');
      const ok = verdict({ status: 'SUCCEEDED', confidence: 81.5, reason: '', failed: false, audits: [image] });
      assert.equal(await f.b.finish(passed.id, ok), true);
      const got = (await f.b.get(failed.id))!;
      assert.deepEqual(
        [got.status, got.confidence, got.reason, got.reference, got.audits],
        ['FAILED', 0, 'no frontal frame', image, []],
      );
      const good = (await f.a.get(passed.id))!;
      assert.deepEqual([good.status, good.confidence, good.audits], ['SUCCEEDED', 81.5, [image]]);
      assert.deepEqual(await f.a.frames(failed.id), [], 'frame rows are dropped with the verdict');
      assert.equal(await f.b.failures(['net:a'], T0), 1);
      assert.equal(await f.b.failures(['net:b', 'device:d'], T0), 1);
      assert.equal(await f.b.failures(['net:c'], T0), 0);
      assert.equal(await f.b.failures([], T0), 0);
      assert.equal(await f.b.failures(['net:a'], T0 + 5000), 0, 'only failures after `since` count');
      const unclaimed = session();
      await f.a.create(unclaimed);
      assert.equal(await f.a.finish(unclaimed.id, verdict()), false, 'only a claimed session takes a verdict');
    });

    test('failures are counted per key and the largest count is reported; old ones are pruned', async () => {
      for (let i = 0; i < 5; i++) {
        const s = session();
        await f.a.create(s);
        const keys = i < 3 ? ['net:shared', `device:${i}`] : ['net:shared'];
        await f.a.addFrame(s.id, { score: oneFace(0), objectKey: null }, keys, open);
        await f.b.claim(s.id, open.openSince);
        await f.b.finish(s.id, verdict({ at: T0 + i * 1000 }));
      }
      assert.equal(await f.a.failures(['device:0', 'net:shared'], T0 - 1), 5);
      assert.equal(await f.a.failures(['device:0', 'device:1'], T0 - 1), 1);
      await f.b.pruneFailures(T0 + 3000);
      assert.equal(await f.a.failures(['net:shared'], T0 - 1), 2);
    });

    test('the sweep expires open and stuck sessions with their frame objects, and removes old ones', async () => {
      const old = session({ createdAt: T0 });
      const stuck = session({ createdAt: T0 + 10 });
      const fresh = session({ createdAt: T0 + 100_000 });
      const done = session({ createdAt: T0 + 20 });
      for (const s of [old, stuck, fresh, done]) {
        await f.a.create(s);
        await f.a.addFrame(s.id, { score: oneFace(0), objectKey: `${s.id}/f1` }, ['net:x'], open);
        await f.a.addFrame(s.id, { score: { faces: 2, yaw: 0, liveness: 0 }, objectKey: null }, ['net:x'], open);
      }
      await f.a.claim(stuck.id, open.openSince);
      await f.a.claim(done.id, open.openSince);
      const image = { box: { left: 0, top: 0, width: 1, height: 1 }, frameKey: `${done.id}/f1` };
      await f.a.finish(done.id, verdict({ reference: image }));
      // Open sessions created before T0 + 50 000 expire; claimed ones only when created before T0 + 5.
      const first = await f.b.expire(T0 + 50_000, T0 + 5, 10);
      assert.deepEqual(first, [{ id: old.id, objectKeys: [`${old.id}/f1`] }]);
      assert.equal((await f.a.get(old.id))!.status, 'EXPIRED');
      assert.deepEqual(await f.a.frames(old.id), []);
      assert.deepEqual(await f.b.expire(T0 + 50_000, T0 + 50_000, 10), [
        { id: stuck.id, objectKeys: [`${stuck.id}/f1`] },
      ]);
      assert.deepEqual(await f.a.expire(T0 + 50_000, T0 + 50_000, 10), [], 'an expired session is swept once');
      assert.equal((await f.a.get(fresh.id))!.status, 'IN_PROGRESS');
      assert.deepEqual(await f.a.addFrame(old.id, { score: oneFace(0), objectKey: 'k' }, [], open), {
        refused: 'ended',
      });

      const removed = await f.b.remove(T0 + 50_000, 2);
      assert.deepEqual(removed, [
        { id: old.id, objectKeys: [] },
        { id: stuck.id, objectKeys: [] },
      ]);
      assert.deepEqual(await f.a.remove(T0 + 50_000, 10), [{ id: done.id, objectKeys: [`${done.id}/f1`] }]);
      for (const s of [old, stuck, done]) assert.equal(await f.a.get(s.id), undefined);
      assert.deepEqual(await f.a.remove(T0 + 200_000, 10), [{ id: fresh.id, objectKeys: [`${fresh.id}/f1`] }]);
    });
  });
}
