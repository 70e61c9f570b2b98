// Door and camera retention with an injected clock: unknown-visitor frames (requests never approved, with their
// photos; snapshots of visits that were nobody's), visits with the snapshots they own, the passcode attempts audit and
// the cameras' visit log go when due, per door and per camera, and nothing else does (a visitor's photos, recent
// frames, known visits within their schedule, cameras without a schedule).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { DoorPrivacy, doorPlaces } from '../../src/apps/door/door.privacy.ts';
import { sqliteDoorStore } from '../../src/apps/door/door.sqlite.driver.ts';
import type { DoorVisit, PendingVisit } from '../../src/apps/door/door.types.ts';
import { AuditService } from '../../src/governance/audit.service.ts';
import { sqliteAuditStore } from '../../src/governance/audit.sqlite.ts';
import { retentionSchema } from '../../src/governance/retention.schema.ts';
import { RetentionService } from '../../src/governance/retention.service.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { cameraPlaces } from '../../src/streams/camera.privacy.ts';
import { sqliteCameraStore } from '../../src/streams/camera.sqlite.ts';
import type { VisitRecord } from '../../src/streams/camera.types.ts';

const H = 3_600_000;
const D = 24 * H;
const T = Date.parse('2026-06-01T12:00:00Z');
const at = (ago: number) => new Date(T - ago);
const box = { left: 0.1, top: 0.1, width: 0.2, height: 0.2 };

test('door and camera schedules purge exactly what is due', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facegate-door-retention-'));
  const db = new Database(':memory:');
  try {
    const store = sqliteDoorStore(db);
    const cameraStore = sqliteCameraStore(db);
    const objects = new LocalObjectStore(dir);
    const has = async (key: string, bucket = 'door') => (await objects.get(bucket, key)) !== undefined;
    const put = (key: string, bucket = 'door') => objects.put(bucket, key, Buffer.from(`frame ${key}`));
    for (const id of ['front', 'back']) {
      await store.putDoor({
        ...{ id, name: id, collectionId: `door-${id}`, threshold: 80, owner: {} },
        ...{ unlock: { mqttPayload: 'UNLOCK' }, secondFactorSeconds: 0, createdAt: at(30 * D) },
      });
    }
    const photo = async (key: string, ago: number) => (await put(key), { bucket: 'door', key, createdAt: at(ago) });
    const pending = async (id: string, ago: number, state: PendingVisit['state'], doorId = 'front') => ({
      ...{ id, doorId, visitId: `v-${id}`, state, descriptor: new Float32Array([1, 0]) },
      photos: [await photo(`pending/${doorId}/${id}/0.jpg`, ago)],
      createdAt: at(ago),
      decidedAt: state === 'pending' ? null : at(ago),
      visitorId: state === 'approved' ? 'vis' : null,
    });
    const visit = async (id: string, ago: number, kind: DoorVisit['kind'], key?: string): Promise<DoorVisit> => ({
      ...{ id, doorId: 'front', kind, visitorId: kind === 'known' ? 'vis' : null, similarity: null },
      snapshot: key ? await photo(key, ago) : null,
      at: at(ago),
    });
    // A visitor approved 10 days ago: the request's photo is now theirs.
    const approved = await pending('app', 10 * D, 'approved');
    await store.commit(
      { pending: approved, visit: { ...(await visit('v-app', 10 * D, 'unknown')), snapshot: approved.photos[0]! } },
      at(10 * D),
    );
    await store.commit(
      {
        visitor: {
          ...{ id: 'vis', doorId: 'front', name: 'Ann', phone: '+15550000002', faceIds: ['f1'] },
          ...{ photos: approved.photos, createdAt: at(10 * D) },
        },
      },
      at(10 * D),
    );
    const old = await pending('old', 9 * H, 'pending');
    await store.commit(
      { pending: old, visit: { ...(await visit('v-old', 9 * H, 'unknown')), snapshot: old.photos[0]! } },
      at(9 * H),
    );
    const fresh = await pending('new', 7 * H, 'pending');
    await store.commit(
      { pending: fresh, visit: { ...(await visit('v-new', 7 * H, 'unknown')), snapshot: fresh.photos[0]! } },
      at(7 * H),
    );
    const denied = await pending('den', 9 * H, 'denied');
    await store.commit(
      {
        pending: denied,
        denial: {
          id: 'd1',
          doorId: 'front',
          pendingId: 'den',
          descriptor: new Float32Array([1, 0]),
          deniedAt: at(9 * H),
          until: at(8.5 * H),
        },
      },
      at(9 * H),
    );
    const elsewhere = await pending('back1', 9 * H, 'pending', 'back');
    await store.commit({ pending: elsewhere }, at(9 * H));
    await store.commit({ visit: await visit('unreg', 9 * H, 'unregistered', 'visits/front/unreg.jpg') }, at(9 * H));
    await store.commit({ visit: await visit('known9h', 9 * H, 'known', 'visits/front/known9h.jpg') }, at(9 * H));
    await store.commit({ visit: await visit('known8d', 8 * D, 'known', 'visits/front/known8d.jpg') }, at(8 * D));
    for (const ago of [31 * D, 1 * D])
      await store.recordAttempt({
        at: at(ago),
        doorId: 'front',
        outcome: 'wrong',
        address: '10.0.0.1',
        visitorId: null,
      });

    const camVisit = async (id: string, cameraId: string, ago: number): Promise<VisitRecord> => {
      await put(`${cameraId}/${id}.jpg`, 'camera-visits');
      return {
        ...{ id, cameraId, doorId: null, collectionId: 'door-front', trackId: id, kind: 'unknown' },
        ...{ faceId: null, userId: null, externalImageId: null, similarity: null, framesSeen: 2 },
        ...{ firstSeenAt: at(ago), decidedAt: at(ago), leftAt: null },
        snapshot: { bucket: 'camera-visits', key: `${cameraId}/${id}.jpg`, box },
      };
    };
    for (const [id, cam, ago] of [
      ['c-old', 'porch', 8 * D],
      ['c-new', 'porch', 1 * D],
      ['y-old', 'yard', 8 * D],
    ] as const)
      await cameraStore.addVisit(await camVisit(id, cam, ago));

    const privacy = new DoorPrivacy({ store, objects, dropFaces: async () => undefined });
    // A person sharing the visitor's face: their subject is widened by the visitor's id, name and phone.
    const person = { personId: 'p1', collectionId: 'people', faceIds: ['f1'], externalIds: ['p1'], phones: [] };
    assert.deepEqual(await privacy.linked(person), {
      ...person,
      externalIds: ['p1', 'vis'],
      phones: ['+15550000002'],
    });
    assert.deepEqual(await privacy.linked({ ...person, faceIds: ['f9'] }), { ...person, faceIds: ['f9'] });
    const retention = new RetentionService({
      config: retentionSchema.parse(
        JSON.stringify({
          doors: { front: { unknownFrames: '8h', visits: '7d', attempts: '30d' } },
          cameras: { porch: { visits: '7d' } },
        }),
      ),
      auditRetentionDays: 0,
      audit: new AuditService(sqliteAuditStore(db), () => T),
      doors: doorPlaces(privacy, () => store.listDoors()),
      cameras: cameraPlaces(
        async () => cameraStore,
        objects,
        async () => ['porch', 'yard'],
      ),
      now: () => T,
    });
    const described = await retention.describe();
    assert.equal(described.doors.front!.unknownFrames, 8 * H);
    assert.equal(described.cameras.yard!.visits, undefined);

    const report = await retention.run();
    assert.deepEqual(report.removed, {
      'door:front.unknownFrames': 3,
      'door:front.requests': 2,
      'door:front.visits': 2,
      'door:front.attempts': 1,
      'camera:porch.visits': 1,
    });
    // Strangers' frames past 8h: gone; the fresh request, the other door and the visitor's photo stay.
    assert.equal(await store.getPending('old'), undefined);
    assert.equal(await store.getPending('den'), undefined);
    assert.equal(await has('pending/front/old/0.jpg'), false);
    assert.equal(await has('pending/front/den/0.jpg'), false);
    assert.ok(await store.getPending('new'));
    assert.ok(await has('pending/front/new/0.jpg'));
    assert.ok(await store.getPending('back1'));
    assert.ok(await has('pending/back/back1/0.jpg'));
    assert.ok(await store.getPending('app'));
    assert.ok(await has('pending/front/app/0.jpg'), "the visitor's photo stays");
    assert.deepEqual(
      (await store.getVisitor('vis'))?.photos.map((p) => p.key),
      ['pending/front/app/0.jpg'],
    );
    assert.deepEqual(await store.activeDenials('front', at(9 * H)), [], 'the ended denial went');
    const visits = new Map((await store.listVisits('front')).map((v) => [v.id, v]));
    assert.deepEqual([...visits.keys()].sort(), ['known9h', 'unreg', 'v-new', 'v-old']);
    assert.equal(visits.get('unreg')!.snapshot, null);
    assert.equal(await has('visits/front/unreg.jpg'), false);
    assert.equal(visits.get('v-old')!.snapshot, null);
    assert.equal(visits.get('v-new')!.snapshot?.key, 'pending/front/new/0.jpg');
    assert.equal(visits.get('known9h')!.snapshot?.key, 'visits/front/known9h.jpg');
    assert.ok(await has('visits/front/known9h.jpg'));
    assert.equal(await has('visits/front/known8d.jpg'), false);
    assert.deepEqual(
      (await store.listAttempts('front')).map((a) => a.at.getTime()),
      [T - D],
    );
    // Cameras: porch's old visit and frame go; yard has no schedule.
    assert.equal(await cameraStore.getVisit('c-old'), undefined);
    assert.equal(await has('porch/c-old.jpg', 'camera-visits'), false);
    assert.ok(await cameraStore.getVisit('c-new'));
    assert.ok(await cameraStore.getVisit('y-old'));
    assert.ok(await has('yard/y-old.jpg', 'camera-visits'));

    // A second run at the same time finds nothing due.
    const again = await retention.run();
    assert.deepEqual(again.removed, {
      'door:front.unknownFrames': 0,
      'door:front.requests': 0,
      'door:front.visits': 0,
      'door:front.attempts': 0,
      'camera:porch.visits': 0,
    });
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
