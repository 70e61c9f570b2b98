// The LivenessStore contract for the person a session is for, on SQLite and Postgres (liveness.store.fixture.ts):
// a session created for a subject or linked later (never re-linked to someone else) is listed for them, and
// removing the subject's sessions deletes their rows, frames and keys in one go, naming every object they held
// (frames, inline result images, output-bucket images); other sessions and the lockout's failures stay.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DRIVERS, oneFace, open, session, T0, verdict, type Fixture } from './liveness.store.fixture.ts';

const box = { left: 0, top: 0, width: 1, height: 1 };

for (const [driver, make] of Object.entries(DRIVERS)) {
  describe(`LivenessStore contract, subjects: ${driver}`, () => {
    let f: Fixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => f.close());

    test('a session names its subject at creation or by a later link, never two subjects', async () => {
      const mine = session({ subjectId: 'person-1', createdAt: T0 + 10 });
      const later = session({ createdAt: T0 });
      const theirs = session({ subjectId: 'person-2' });
      for (const s of [mine, later, theirs]) await f.a.create(s);
      assert.equal((await f.b.get(mine.id))!.subjectId, 'person-1');
      assert.equal((await f.b.get(later.id))!.subjectId, null);
      assert.equal(await f.b.link(later.id, 'person-1'), 'linked');
      assert.equal(await f.a.link(later.id, 'person-1'), 'linked', 'linking again to the same subject is a no-op');
      assert.equal(await f.a.link(theirs.id, 'person-1'), 'taken');
      assert.equal(await f.a.link(randomUUID(), 'person-1'), 'missing');
      assert.deepEqual(
        (await f.b.forSubject('person-1')).map((s) => s.id),
        [later.id, mine.id],
        'oldest first',
      );
      assert.deepEqual(
        (await f.a.forSubject('person-2')).map((s) => s.subjectId),
        ['person-2'],
      );
      assert.deepEqual(await f.a.forSubject('nobody'), []);
    });

    test("removing a subject's sessions deletes rows, frames and keys and names every object they held", async () => {
      const open1 = session({ subjectId: 'person-1' });
      const judged = session({ subjectId: 'person-1', output: { bucket: 'out', keyPrefix: 'r/' } });
      const inline = session({ subjectId: 'person-1' });
      const other = session({ subjectId: 'person-2' });
      for (const s of [open1, judged, inline, other]) {
        await f.a.create(s);
        await f.a.addFrame(s.id, { score: oneFace(0), objectKey: `${s.id}/f1` }, ['net:x'], open);
      }
      for (const s of [judged, inline]) assert.equal(await f.b.claim(s.id, open.openSince), true);
      const out = { bucket: 'out', name: `r/${judged.id}/reference.jpg` };
      const audit = { bucket: 'out', name: `r/${judged.id}/audit_0.jpg` };
      await f.b.finish(judged.id, verdict({ reference: { box, object: out }, audits: [{ box, object: audit }] }));
      await f.b.finish(inline.id, verdict({ reference: { box, frameKey: `${inline.id}/f1` } }));

      const removed = await f.b.removeSubject('person-1');
      const byId = new Map(removed.map((r) => [r.id, r]));
      assert.deepEqual(new Set(byId.keys()), new Set([open1.id, judged.id, inline.id]));
      assert.deepEqual(byId.get(open1.id), { id: open1.id, objectKeys: [`${open1.id}/f1`], outputs: [] });
      assert.deepEqual(byId.get(judged.id), { id: judged.id, objectKeys: [], outputs: [out, audit] });
      assert.deepEqual(byId.get(inline.id), { id: inline.id, objectKeys: [`${inline.id}/f1`], outputs: [] });
      for (const s of [open1, judged, inline]) {
        assert.equal(await f.a.get(s.id), undefined);
        assert.deepEqual(await f.a.frames(s.id), []);
      }
      assert.deepEqual(await f.a.forSubject('person-1'), []);
      assert.deepEqual(await f.a.removeSubject('person-1'), [], 'a second erasure finds nothing');
      assert.equal((await f.a.get(other.id))!.subjectId, 'person-2', "another subject's session stays");
      assert.equal((await f.a.frames(other.id)).length, 1);
      assert.equal(await f.a.failures(['net:x'], T0), 2, "the lockout's failures stay");
      assert.deepEqual(await f.a.addFrame(open1.id, { score: oneFace(0), objectKey: 'k' }, [], open), {
        refused: 'missing',
      });
    });
  });
}
