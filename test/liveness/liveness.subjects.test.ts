// A person's liveness sessions through the LivenessService, on SQLite and Postgres with a real local object store:
// sessions judged with inline images, with an output bucket, and still open are exported with every image and kept
// frame (bytes equal to what was posted, no descriptor), and erased with all their objects, the output bucket's
// included; an unlinked session and its frame stay. Linking a session to a second person is refused. An engine whose
// frames say their own yaw (second byte) makes the challenge pass without models.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LivenessService, LIVENESS_BUCKET } from '../../src/liveness/liveness.service.ts';
import type { ExportedSession } from '../../src/liveness/liveness.subjects.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import type { FaceEngine } from '../../src/vision/vision.types.ts';
import { face } from '../api/rekognition/stub.engine.ts';
import { DRIVERS, type Fixture } from '../contract/liveness.store.fixture.ts';

const YAWS = [0, -20, 20];
const engine: Pick<FaceEngine, 'analyze' | 'similarity'> = {
  async analyze(image) {
    const f = { ...face(0.3, [1, 0, 0, 0]), liveness: 90 };
    return {
      image: { width: 640, height: 480, format: 'jpeg', orientation: 1 },
      faces: [{ ...f, pose: { ...f.pose, yaw: YAWS[image[1] ?? 0] ?? 0 } }],
    };
  },
  similarity: () => 100,
};
const client = { address: '10.0.0.9' };
/** A frame: 0xff, its yaw's index, then bytes no other frame holds. */
const frame = (yaw: number) => Buffer.concat([Buffer.from([0xff, yaw]), randomBytes(48)]);

for (const [driver, make] of Object.entries(DRIVERS)) {
  describe(`a person's liveness sessions: ${driver}`, () => {
    let f: Fixture;
    let dir: string;
    let objects: LocalObjectStore;
    let svc: LivenessService;
    beforeEach(async () => {
      f = await make();
      dir = mkdtempSync(join(tmpdir(), 'facegate-liveness-subjects-'));
      objects = new LocalObjectStore(dir);
      svc = new LivenessService({ engine, objects, store: f.a, now: Date.now, uuid: randomUUID, passConfidence: 50 });
    });
    afterEach(async () => {
      await f.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Posts a frontal, a left and a right frame; completes the session unless `open`. */
    const run = async (id: string, options: { open?: boolean } = {}) => {
      const sent = YAWS.map((_, i) => frame(i));
      for (const b of options.open ? sent.slice(0, 1) : sent) await svc.addFrame(id, client, b);
      if (!options.open) assert.equal((await svc.complete(id, client)).status, 'SUCCEEDED');
      return sent;
    };

    test('export holds every session of the person with its images; erasure deletes them all', async () => {
      const inline = await svc.create({ subjectId: 'p1', auditImagesLimit: 1 });
      const output = await svc.create({
        subjectId: 'p1',
        auditImagesLimit: 2,
        output: { bucket: 'out', keyPrefix: 'r/' },
      });
      const open = await svc.create({ subjectId: 'p1' });
      const other = await svc.create({});
      const [inlineFrames, outputFrames, openFrames, otherFrames] = [
        await run(inline),
        await run(output),
        await run(open, { open: true }),
        await run(other, { open: true }),
      ];

      const { records, files } = await svc.subjects.export('p1');
      const bytes = new Map(files.map((x) => [x.name, Buffer.from(x.bytes)]));
      const byId = new Map(records.sessions.map((s) => [s.sessionId, s]));
      assert.deepEqual([...byId.keys()].sort(), [inline, output, open].sort());
      const s1 = byId.get(inline)!;
      assert.deepEqual([s1.status, s1.auditImages.length], ['SUCCEEDED', 1]);
      assert.ok(s1.confidence! > 0 && s1.finishedAt !== null);
      assert.deepEqual(bytes.get(s1.referenceImage!.file!), inlineFrames[0], 'the reference is the frontal frame');
      const s2: ExportedSession = byId.get(output)!;
      assert.deepEqual(s2.referenceImage!.object, { bucket: 'out', name: `r/${output}/reference.jpg` });
      assert.deepEqual(bytes.get(s2.referenceImage!.file!), outputFrames[0]);
      assert.deepEqual(
        s2.auditImages.map((a) => bytes.get(a.file!)),
        [outputFrames[1], outputFrames[2]],
      );
      const s3 = byId.get(open)!;
      assert.deepEqual([s3.status, s3.referenceImage, s3.frames.length], ['IN_PROGRESS', null, 1]);
      assert.deepEqual(bytes.get(s3.frames[0]!.file!), openFrames[0], 'a kept frame of an open session');
      assert.equal(JSON.stringify(records).includes('descriptor'), false, 'descriptors are not exported');
      assert.deepEqual((await svc.subjects.export('p2')).records.sessions, []);

      const before = files.length;
      const removed = await svc.subjects.erase('p1');
      assert.equal(removed, 3 + before, 'three sessions and every object they held');
      for (const id of [inline, output, open]) {
        await assert.rejects(svc.results(id), { code: 'LIVENESS_SESSION_NOT_FOUND' });
      }
      assert.equal((await objects.list(LIVENESS_BUCKET, { prefix: `sessions/${inline}/` })).objects.length, 0);
      assert.equal((await objects.list(LIVENESS_BUCKET, { prefix: `sessions/${open}/` })).objects.length, 0);
      assert.equal((await objects.list('out', { prefix: 'r/' })).objects.length, 0, 'output-bucket images too');
      const kept = (await objects.list(LIVENESS_BUCKET, { prefix: `sessions/${other}/` })).objects;
      assert.equal(kept.length, 1, "an unlinked session's frame stays");
      assert.deepEqual(Buffer.from((await objects.get(LIVENESS_BUCKET, kept[0]!.key))!.body), otherFrames[0]);
      assert.equal(await svc.subjects.erase('p1'), 0, 'erasing again finds nothing');
    });

    test('a session is linked after the fact once; a second person is refused', async () => {
      const id = await svc.create({});
      await svc.subjects.link(id, 'p1');
      await svc.subjects.link(id, 'p1');
      await assert.rejects(svc.subjects.link(id, 'p2'), { code: 'CONFLICT' });
      await assert.rejects(svc.subjects.link(randomUUID(), 'p1'), { code: 'LIVENESS_SESSION_NOT_FOUND' });
      assert.deepEqual(
        (await svc.subjects.export('p1')).records.sessions.map((s) => s.sessionId),
        [id],
      );
    });
  });
}
