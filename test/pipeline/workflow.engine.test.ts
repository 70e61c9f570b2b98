import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pipelineHarness } from './harness.ts';
import { portrait } from './fakes.ts';

type H = Awaited<ReturnType<typeof pipelineHarness>>;
const ONE = new Uint8Array([1]);
const TWO = new Uint8Array([2]);
const SHADES = new Uint8Array([3]);

for (const store of ['sqlite', 'postgres'] as const)
  describe(`upload pipeline (fake vision, real SQLite queue, ${store} run store)`, () => {
    let h: H;
    beforeEach(async () => {
      h = await pipelineHarness({ store });
      h.faces.scenes.set(1, [portrait()]);
      h.faces.scenes.set(2, [portrait(), portrait({ box: { left: 0.7, top: 0.1, width: 0.2, height: 0.2 } })]);
      const sunglasses = { value: true, confidence: 93 };
      h.faces.scenes.set(3, [portrait({ attributes: { sunglasses } as never })]);
      h.faces.identity.set(1, 'alice');
      h.faces.identity.set(4, 'alice');
    });
    afterEach(() => h.close());

    test('a one-face photo indexes the face, stores a thumbnail beside it, persists the record and succeeds', async () => {
      const started = await h.service.upload('signup', ONE, { userId: 'alice' });
      const run = await h.engine.waitForRun(started.id);
      assert.equal(run.state, 'succeeded', JSON.stringify(run.error));
      assert.deepEqual(
        run.steps.map((s) => [s.name, s.state, s.attempts]),
        [
          ['checkFaces', 'succeeded', 1],
          ['checkDuplicate', 'succeeded', 1],
          ['indexFace', 'succeeded', 1],
          ['thumbnail', 'succeeded', 1],
          ['persist', 'succeeded', 1],
        ],
      );
      assert.deepEqual(
        h.faces.indexed.map((f) => [f.collectionId, f.externalImageId]),
        [['members', 'alice']],
      );
      const thumbKey = run.input.key.replace(/(\.[a-z]+)?$/, '.thumb.jpg');
      assert.ok(h.objects.objects.has(`uploads/${thumbKey}`), 'thumbnail stored beside the original');
      const rec = await h.store.getRecord(run.id);
      assert.equal(rec?.faceId, 'face-1');
      assert.equal(rec?.userId, 'alice');
      assert.equal(rec?.thumbnailKey, thumbKey);
      assert.deepEqual(Object.keys(rec?.timings ?? {}).sort(), [
        'checkDuplicate',
        'checkFaces',
        'indexFace',
        'thumbnail',
      ]);
      const types = (await h.outbox.list({ runId: run.id })).map((e) => e.type).reverse();
      assert.deepEqual(types, ['pipeline.started', 'face.unknown', 'face.indexed', 'pipeline.succeeded']);
      const done = (await h.outbox.list({ type: 'pipeline.succeeded' }))[0];
      assert.equal(done?.data.faceId, 'face-1');
      assert.equal(done?.data.thumbnailKey, thumbKey);
    });

    test('a photo with two faces fails PhotoDoesNotMeetRequirement with the reason and indexes nothing', async () => {
      const run = await h.engine.waitForRun((await h.service.upload('signup', TWO)).id);
      assert.equal(run.state, 'failed');
      assert.equal(run.error?.code, 'PhotoDoesNotMeetRequirement');
      assert.deepEqual(run.error?.reasons, ['expected 1 face(s), found 2']);
      assert.equal(run.error?.step, 'checkFaces');
      assert.equal(h.faces.indexed.length, 0);
      const failed = (await h.outbox.list({ type: 'pipeline.failed' }))[0];
      assert.deepEqual(failed?.data.reasons, ['expected 1 face(s), found 2']);
    });

    test('sunglasses fail the face checks with a reason that says so', async () => {
      const run = await h.engine.waitForRun((await h.service.upload('signup', SHADES)).id);
      assert.equal(run.error?.code, 'PhotoDoesNotMeetRequirement');
      assert.match(run.error?.reasons[0] ?? '', /sunglasses/);
    });

    test('the same person again fails FaceAlreadyExists naming the earlier face', async () => {
      await h.engine.waitForRun((await h.service.upload('signup', ONE, { userId: 'alice' })).id);
      h.faces.scenes.set(4, [portrait()]);
      const run = await h.engine.waitForRun(
        (await h.service.upload('signup', new Uint8Array([4]), { userId: 'al2' })).id,
      );
      assert.equal(run.state, 'failed');
      assert.equal(run.error?.code, 'FaceAlreadyExists');
      assert.match(run.error?.reasons[0] ?? '', /already indexed as alice \(face face-1/);
      assert.equal(h.faces.indexed.length, 1);
      const matched = await h.outbox.list({ type: 'face.matched', runId: run.id });
      assert.equal(matched.length, 1);
    });

    test('a transient step error is retried with backoff and the run still succeeds', async () => {
      h.thumbnails.failures = 2;
      const run = await h.engine.waitForRun((await h.service.upload('signup', ONE)).id);
      assert.equal(run.state, 'succeeded');
      assert.equal(run.steps.find((s) => s.name === 'thumbnail')?.attempts, 3);
    });

    test('a step that keeps failing ends the run StepFailed and dead-letters its job', async () => {
      h.thumbnails.failures = 99;
      const run = await h.engine.waitForRun((await h.service.upload('signup', ONE)).id);
      assert.equal(run.state, 'failed');
      assert.equal(run.error?.code, 'StepFailed');
      assert.match(run.error?.reasons[0] ?? '', /thumbnail failed after 3 attempt\(s\): thumbnail worker busy/);
      assert.equal((await h.queue.counts('pipeline.step')).dead, 1);
    });

    test('an index retried after its face was committed reuses that face instead of indexing twice', async () => {
      h.faces.failIndexOnce = 'after-commit';
      const run = await h.engine.waitForRun((await h.service.upload('signup', ONE, { userId: 'bob' })).id);
      assert.equal(run.state, 'succeeded');
      assert.equal(h.faces.indexed.length, 1);
      const step = run.steps.find((s) => s.name === 'indexFace');
      assert.equal(step?.attempts, 2);
      assert.equal(step?.output?.reused, true);
    });

    test('the same S3 notification twice starts one run; thumbnails and other buckets start none', async () => {
      await h.objects.put('uploads', 'photos/a b.jpg', ONE);
      const event = {
        Records: [
          {
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: 'uploads' }, object: { key: 'photos/a+b.jpg', sequencer: '01' } },
          },
          {
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: 'uploads' }, object: { key: 'photos/a.thumb.jpg' } },
          },
          { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'other' }, object: { key: 'x.jpg' } } },
        ],
      };
      const first = await h.service.s3Event(event);
      const again = await h.service.s3Event(event);
      assert.equal(first.length, 1);
      assert.equal(again[0]?.id, first[0]?.id);
      assert.equal(first[0]?.input.key, 'photos/a b.jpg');
      assert.equal((await h.engine.waitForRun(first[0]!.id)).state, 'succeeded');
    });

    test('resume() fails a run whose step job died on its last attempt without ending the run', async () => {
      const def = await h.service.get('signup');
      const steps = def.stages.flatMap((names, stage) => names.map((name) => ({ name, stage })));
      await h.store.createRun(
        { id: 'stuck', pipeline: 'signup', input: { bucket: 'uploads', key: 'gone.jpg', source: 'bucket' }, steps },
        [],
      );
      // The job exists, dead, as the queue leaves it when the worker was killed during the last attempt.
      h.db
        .prepare(
          `INSERT INTO jobs (id, name, key, payload, state, attempts, max_attempts, backoff_ms, run_at, last_error,
           created_at, updated_at) VALUES ('j-stuck', 'pipeline.step', 'stuck:checkFaces', '{}', 'dead', 1, 1, 5, 0,
           'lease expired on the last attempt', 0, 0)`,
        )
        .run();
      await h.engine.resume();
      const run = await h.engine.waitForRun('stuck');
      assert.equal(run.state, 'failed');
      assert.equal(run.error?.code, 'StepFailed');
      assert.match(run.error?.reasons[0] ?? '', /checkFaces failed after 1 attempt\(s\): lease expired/);
    });

    test('resume() restarts a run whose first step was never enqueued', async () => {
      const def = await h.service.get('signup');
      await h.objects.put('uploads', 'k.jpg', ONE);
      const steps = def.stages.flatMap((names, stage) => names.map((name) => ({ name, stage })));
      await h.store.createRun(
        { id: 'orphan', pipeline: 'signup', input: { bucket: 'uploads', key: 'k.jpg', source: 'bucket' }, steps },
        [],
      );
      assert.equal(await h.engine.resume(), 1);
      assert.equal((await h.engine.waitForRun('orphan')).state, 'succeeded');
    });
  });
