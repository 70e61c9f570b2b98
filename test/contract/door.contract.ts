// The DoorStore contract: the SQLite and Postgres drivers both pass this suite.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { DoorStore } from '../../src/apps/door/door.store.port.ts';
import type { Door, Passcode, PendingVisit, Visitor } from '../../src/apps/door/door.types.ts';
import { isFacegateError } from '../../src/errors.ts';
import type { StoredEvent } from '../../src/events/event.types.ts';

export interface DoorStoreHarness {
  store: DoorStore;
  /** The outbox of the same database, newest first. */
  events(): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

const T0 = new Date(1_780_000_000_000);
const at = (s: number) => new Date(T0.getTime() + s * 1000);

const door = (id = 'front'): Door => ({
  id,
  name: 'Front door',
  collectionId: `door-${id}`,
  threshold: 80,
  owner: { sms: '+15550000001' },
  unlock: { mqttPayload: 'UNLOCK' },
  secondFactorSeconds: 0,
  createdAt: T0,
});

const visitor = (id: string, faceIds: string[] = [`face-${id}`]): Visitor => ({
  id,
  doorId: 'front',
  name: `Visitor ${id}`,
  phone: '+15550000002',
  faceIds,
  photos: [{ bucket: 'door', key: `visitors/${id}/0.jpg`, createdAt: T0 }],
  createdAt: T0,
});

const passcode = (id: string, over: Partial<Passcode> = {}): Passcode => ({
  id,
  visitorId: 'v1',
  doorId: 'front',
  codeHash: `hash-${id}`,
  createdAt: T0,
  expiresAt: at(300),
  usedAt: null,
  sentAt: null,
  ...over,
});

const pending = (id: string): PendingVisit => ({
  id,
  doorId: 'front',
  visitId: `visit-${id}`,
  state: 'pending',
  photos: [{ bucket: 'door', key: `pending/${id}/0.jpg`, createdAt: T0 }],
  descriptor: Float32Array.from([0.6, 0.8, 0, 0]),
  createdAt: T0,
  decidedAt: null,
  visitorId: null,
});

const conflict = (e: unknown) => isFacegateError(e) && e.code === 'CONFLICT';

export function doorStoreContract(driver: string, make: () => Promise<DoorStoreHarness>): void {
  describe(`DoorStore contract: ${driver}`, () => {
    let h: DoorStoreHarness;
    let store: DoorStore;
    beforeEach(async () => {
      h = await make();
      store = h.store;
    });
    afterEach(async () => h.close());

    test('keeps the first generated secret', async () => {
      const first = await store.secret(() => 'a'.repeat(64));
      assert.equal(first, 'a'.repeat(64));
      assert.equal(await store.secret(() => 'b'.repeat(64)), first);
    });

    test('defines, replaces, lists and deletes doors, keeping the first creation time', async () => {
      await store.putDoor(door());
      const replaced = await store.putDoor({ ...door(), name: 'Back', threshold: 90, createdAt: at(60) });
      assert.equal(replaced.name, 'Back');
      assert.equal(replaced.threshold, 90);
      assert.equal(replaced.createdAt.getTime(), T0.getTime());
      assert.deepEqual(replaced.owner, { sms: '+15550000001' });
      await store.putDoor(door('garage'));
      assert.deepEqual(
        (await store.listDoors()).map((d) => d.id),
        ['front', 'garage'],
      );
      assert.equal(await store.deleteDoor('garage'), true);
      assert.equal(await store.deleteDoor('garage'), false);
      assert.equal(await store.getDoor('garage'), undefined);
    });

    test('commits a visitor, their passcode and the event together', async () => {
      const events = await store.commit(
        {
          visitor: visitor('v1'),
          passcode: passcode('p1'),
          events: [{ type: 'door.approved', collectionId: 'door-front', data: { visitorId: 'v1' } }],
        },
        at(1),
      );
      assert.equal(events.length, 1);
      const v = await store.getVisitor('v1');
      assert.deepEqual(v, visitor('v1'));
      assert.equal((await store.visitorByFace('front', 'face-v1'))?.id, 'v1');
      assert.equal(await store.visitorByFace('back', 'face-v1'), undefined);
      assert.deepEqual(await store.findPasscodes('front', 'hash-p1'), [passcode('p1')]);
      const [stored] = await h.events();
      assert.equal(stored?.id, events[0]!.id);
      assert.equal(stored?.type, 'door.approved');
      assert.deepEqual(stored?.data, { visitorId: 'v1' });
      assert.equal(stored?.dispatchedAt, null);
    });

    test('a failed write leaves no trace: neither its rows nor its events', async () => {
      await store.commit({ visitor: visitor('v1') }, T0);
      await assert.rejects(
        store.commit(
          { visitor: visitor('v1'), events: [{ type: 'door.approved', data: {} }], passcode: passcode('p9') },
          T0,
        ),
      );
      assert.deepEqual(await h.events(), []);
      assert.deepEqual(await store.findPasscodes('front', 'hash-p9'), []);
    });

    test('a passcode is consumed once; the replay fails with CONFLICT and rolls its attempt back', async () => {
      await store.commit({ visitor: visitor('v1'), passcode: passcode('p1') }, T0);
      const attempt = { at: at(5), doorId: 'front', outcome: 'granted' as const, address: '10.0.0.1', visitorId: 'v1' };
      await store.commit({ consume: { passcodeId: 'p1', at: at(5) }, attempt }, at(5));
      await assert.rejects(store.commit({ consume: { passcodeId: 'p1', at: at(6) }, attempt }, at(6)), conflict);
      const [p] = await store.findPasscodes('front', 'hash-p1');
      assert.equal(p?.usedAt?.getTime(), at(5).getTime());
      assert.equal((await store.listAttempts('front')).length, 1);
    });

    test('finds unsent passcodes until they are sent, used, revoked or expired', async () => {
      await store.commit({ visitor: visitor('v1'), passcode: passcode('p1') }, T0);
      await store.commit({ passcode: passcode('p2') }, T0);
      await store.commit({ passcode: passcode('p3') }, T0);
      await store.commit({ passcode: passcode('p4', { expiresAt: at(10) }) }, T0);
      await store.markSent('p2', at(1));
      assert.equal(await store.revokePasscode('p3', at(1)), true);
      // A second sweep (another process) finds it retired and must not send a replacement.
      assert.equal(await store.revokePasscode('p3', at(2)), false);
      assert.deepEqual(
        (await store.unsentPasscodes(at(20))).map((p) => p.id),
        ['p1'],
      );
      assert.equal((await store.findPasscodes('front', 'hash-p2'))[0]?.sentAt?.getTime(), at(1).getTime());
    });

    test('deleting a visitor retires their passcodes and face links', async () => {
      await store.commit({ visitor: visitor('v1'), passcode: passcode('p1') }, T0);
      assert.equal(await store.deleteVisitor('v1'), true);
      assert.equal(await store.deleteVisitor('v1'), false);
      assert.equal(await store.visitorByFace('front', 'face-v1'), undefined);
      assert.notEqual((await store.findPasscodes('front', 'hash-p1'))[0]?.usedAt, null);
    });

    test('privacy: finds a visitor by id or face, gathers their rows and erases them, keeping attempts anonymous', async () => {
      await store.putDoor(door());
      const approved = { ...pending('p1'), state: 'approved' as const, decidedAt: T0, visitorId: 'v1' };
      await store.commit({ pending: approved, visitor: visitor('v1', ['fa', 'fb']), passcode: passcode('c1') }, T0);
      await store.commit({ visitor: visitor('v2') }, T0);
      const visit = (id: string, visitorId: string | null, s: number) => ({
        ...{ id, doorId: 'front', kind: visitorId ? ('known' as const) : ('unknown' as const), visitorId },
        ...{ similarity: visitorId ? 91 : null, snapshot: null, at: at(s) },
      });
      await store.commit({ visit: visit('visit-p1', null, 0) }, T0);
      await store.commit({ visit: visit('k1', 'v1', 10) }, at(10));
      await store.commit({ visit: visit('k2', 'v2', 20) }, at(20));
      await store.recordAttempt({
        at: at(30),
        doorId: 'front',
        outcome: 'granted',
        address: '10.0.0.9',
        visitorId: 'v1',
      });
      const p = store.privacy;
      assert.deepEqual(
        (await p.visitorsNaming(['v1'], [])).map((v) => v.id),
        ['v1'],
      );
      assert.deepEqual(
        (await p.visitorsNaming([], ['fb'])).map((v) => v.id),
        ['v1'],
      );
      assert.deepEqual(
        (await p.visitorsNaming(['v2'], ['fa'])).map((v) => v.id),
        ['v1', 'v2'],
      );
      assert.deepEqual(await p.visitorsNaming([], []), []);
      assert.deepEqual(
        (await p.passcodesOf('v1')).map((c) => c.id),
        ['c1'],
      );
      assert.deepEqual(
        (await p.pendingOf('v1')).map((x) => x.id),
        ['p1'],
      );
      assert.deepEqual(
        (await p.visitsOf('v1')).map((x) => x.id),
        ['visit-p1', 'k1'],
      );
      assert.equal((await p.attemptsOf('v1')).length, 1);
      // visitor + passcode + two visits + the request
      assert.equal(await p.eraseVisitor('v1'), 5);
      assert.equal(await store.getVisitor('v1'), undefined);
      assert.equal(await store.visitorByFace('front', 'fa'), undefined);
      assert.deepEqual(await store.findPasscodes('front', 'hash-c1'), []);
      assert.equal(await store.getPending('p1'), undefined);
      assert.deepEqual(
        (await store.listVisits('front')).map((v) => v.id),
        ['k2'],
      );
      const attempts = await store.listAttempts('front');
      assert.deepEqual(
        attempts.map((a) => [a.outcome, a.visitorId]),
        [['granted', null]],
      );
      assert.equal((await store.failureStreak('front', null, T0)).count, 0);
      assert.ok(await store.getVisitor('v2'));
      assert.equal(await p.eraseVisitor('v1'), 0);
    });

    test('privacy: retention reads and removals by age', async () => {
      await store.putDoor(door());
      const old = { ...pending('old'), createdAt: at(-100) };
      const denied = { ...pending('den'), state: 'denied' as const, decidedAt: at(-100), createdAt: at(-100) };
      const ok = { ...pending('ok'), state: 'approved' as const, visitorId: 'v1', createdAt: at(-100) };
      const fresh = { ...pending('fresh'), createdAt: at(10) };
      for (const x of [old, denied, ok, fresh]) await store.commit({ pending: x }, T0);
      const until = (s: number) => ({
        id: `d${s}`,
        doorId: 'front',
        pendingId: 'den',
        descriptor: Float32Array.from([1]),
        deniedAt: at(-100),
        until: at(s),
      });
      await store.commit({ denial: until(-50) }, T0);
      await store.commit({ denial: until(500) }, T0);
      const p = store.privacy;
      assert.deepEqual((await p.undecidedBefore('front', T0, 10)).map((x) => x.id).sort(), ['den', 'old']);
      assert.equal((await p.undecidedBefore('front', T0, 1)).length, 1);
      assert.equal(await p.deletePending('front', ['old', 'den'], T0), 2);
      assert.deepEqual(
        (await store.activeDenials('front', at(-60))).map((d) => d.id),
        ['d500'],
      );
      assert.ok(await store.getPending('ok'));
      assert.ok(await store.getPending('fresh'));
      const snap = { bucket: 'door', key: 'visits/front/x.jpg', createdAt: T0 };
      const v = (id: string, kind: 'known' | 'unknown' | 'unregistered', s: number) => ({
        ...{ id, doorId: 'front', kind, visitorId: null, similarity: null, snapshot: snap, at: at(s) },
      });
      for (const x of [v('a', 'known', -10), v('b', 'unregistered', -9), v('c', 'unknown', -8), v('d', 'unknown', 5)])
        await store.commit({ visit: x }, T0);
      assert.deepEqual(
        (await p.strangerSnapshotsBefore('front', T0, 10)).map((x) => x.id),
        ['b', 'c'],
      );
      assert.equal(await p.clearSnapshots(['b', 'c']), 2);
      assert.deepEqual(await p.strangerSnapshotsBefore('front', T0, 10), []);
      assert.deepEqual(
        (await p.visitsBefore('front', T0, 10)).map((x) => x.id),
        ['a', 'b', 'c'],
      );
      assert.equal(await p.deleteVisits(['a', 'b']), 2);
      assert.deepEqual(
        (await store.listVisits('front')).map((x) => x.id),
        ['d', 'c'],
      );
      for (const s of [-20, 20])
        await store.recordAttempt({ at: at(s), doorId: 'front', outcome: 'wrong', address: 'a', visitorId: null });
      assert.equal(await p.deleteAttemptsBefore('front', T0), 1);
      assert.equal((await store.listAttempts('front')).length, 1);
    });

    test('a pending visit is decided once, with its denial', async () => {
      await store.commit({ pending: pending('q1') }, T0);
      assert.deepEqual(await store.getPending('q1'), pending('q1'));
      const denial = {
        id: 'd1',
        doorId: 'front',
        pendingId: 'q1',
        descriptor: Float32Array.from([0.6, 0.8, 0, 0]),
        deniedAt: at(10),
        until: at(3600),
      };
      const decide = { pendingId: 'q1', state: 'denied' as const, visitorId: null, at: at(10) };
      await store.commit({ decide, denial }, at(10));
      await assert.rejects(
        store.commit({ decide: { ...decide, state: 'approved', visitorId: 'v1' }, visitor: visitor('v1') }, at(11)),
        conflict,
      );
      assert.equal(await store.getVisitor('v1'), undefined, 'the losing approval created nobody');
      const q = await store.getPending('q1');
      assert.equal(q?.state, 'denied');
      assert.equal(q?.decidedAt?.getTime(), at(10).getTime());
      assert.deepEqual(await store.listPending('front', 'pending'), []);
      assert.deepEqual(
        (await store.listPending('front')).map((p) => p.id),
        ['q1'],
      );
      assert.deepEqual(await store.activeDenials('front', at(100)), [denial]);
      assert.deepEqual(await store.activeDenials('front', at(3600)), []);
    });

    test('lists visits newest first and finds the last known visit of a visitor', async () => {
      const snapshot = { bucket: 'door', key: 'visits/1.jpg', createdAt: T0 };
      await store.commit(
        { visit: { id: 'x1', doorId: 'front', kind: 'known', visitorId: 'v1', similarity: 97.5, snapshot, at: at(1) } },
        at(1),
      );
      await store.commit(
        {
          visit: {
            id: 'x2',
            doorId: 'front',
            kind: 'unknown',
            visitorId: null,
            similarity: null,
            snapshot: null,
            at: at(2),
          },
        },
        at(2),
      );
      const visits = await store.listVisits('front');
      assert.deepEqual(
        visits.map((v) => v.id),
        ['x2', 'x1'],
      );
      assert.deepEqual(visits[1]?.snapshot, snapshot);
      assert.equal(visits[1]?.similarity, 97.5);
      assert.equal((await store.lastKnownVisit('front', 'v1'))?.getTime(), at(1).getTime());
      assert.equal(await store.lastKnownVisit('front', 'v2'), undefined);
    });

    test('counts the failures after the last success, per door and per address', async () => {
      const attempt = (s: number, outcome: 'wrong' | 'granted' | 'locked', address = '10.0.0.1') =>
        store.recordAttempt({ at: at(s), doorId: 'front', outcome, address, visitorId: null });
      await attempt(1, 'wrong');
      await attempt(2, 'granted');
      await attempt(3, 'wrong');
      await attempt(4, 'wrong');
      await attempt(5, 'locked');
      await attempt(6, 'wrong', '10.0.0.2');
      assert.deepEqual(await store.failureStreak('front', '10.0.0.1', T0), { count: 2, lastAt: at(4) });
      assert.deepEqual(await store.failureStreak('front', null, T0), { count: 3, lastAt: at(6) });
      assert.deepEqual(await store.failureStreak('front', '10.0.0.1', at(3)), { count: 1, lastAt: at(4) });
      assert.deepEqual(await store.failureStreak('back', null, T0), { count: 0, lastAt: null });
      const audit = await store.listAttempts('front', 2);
      assert.deepEqual(
        audit.map((a) => [a.outcome, a.address]),
        [
          ['wrong', '10.0.0.2'],
          ['locked', '10.0.0.1'],
        ],
      );
    });
  });
}
