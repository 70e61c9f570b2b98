// The CameraStore contract, run against every driver (camera-store.test.ts: SQLite and Postgres).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CameraStore } from '../../src/streams/camera.store.ts';
import { cameraInputSchema, type VisitRecord } from '../../src/streams/camera.types.ts';

export function cameraStoreContract(
  driver: string,
  open: () => Promise<{ store: CameraStore; close(): Promise<void> }>,
) {
  const spec = (id: string, fps = 5) =>
    cameraInputSchema.parse({ id, source: { kind: 'rtsp', url: 'rtsp://cam/stream' }, collectionId: 'door', fps });
  const visit = (id: string, cameraId: string, at: number): VisitRecord => ({
    id,
    cameraId,
    doorId: null,
    collectionId: 'door',
    trackId: `t-${id}`,
    kind: 'known',
    faceId: 'f',
    userId: null,
    externalImageId: 'dani',
    similarity: 97,
    firstSeenAt: new Date(at - 400),
    decidedAt: new Date(at),
    leftAt: null,
    framesSeen: 2,
    snapshot: {
      bucket: 'camera-visits',
      key: `${cameraId}/${id}.jpg`,
      box: { left: 0.1, top: 0.1, width: 0.2, height: 0.2 },
    },
  });

  test(`${driver}: cameras are created once, listed by id, updated and deleted`, async () => {
    const { store, close } = await open();
    try {
      const at = new Date('2026-01-01T00:00:00Z');
      assert.equal(await store.create(spec('b'), at), true);
      assert.equal(await store.create(spec('a'), at), true);
      assert.equal(await store.create(spec('a'), at), false, 'an id exists once');
      assert.deepEqual(
        (await store.list()).map((c) => c.spec.id),
        ['a', 'b'],
      );
      assert.equal(await store.update(spec('a', 2), new Date('2026-01-02T00:00:00Z')), true);
      const a = await store.get('a');
      assert.equal(a?.spec.fps, 2);
      assert.equal(a?.createdAt.getTime(), at.getTime());
      assert.equal(a?.updatedAt.toISOString(), '2026-01-02T00:00:00.000Z');
      assert.equal(await store.update(spec('zz'), at), false);
      assert.equal(await store.delete('a'), true);
      assert.equal(await store.delete('a'), false);
      assert.equal(await store.get('a'), undefined);
    } finally {
      await close();
    }
  });

  test(`${driver}: visits are listed newest first, per camera, and marked left once`, async () => {
    const { store, close } = await open();
    try {
      await store.addVisit(visit('v1', 'front', 1000));
      await store.addVisit(visit('v2', 'back', 2000));
      await store.addVisit(visit('v3', 'front', 3000));
      assert.deepEqual(
        (await store.recentVisits({ limit: 10 })).map((v) => v.id),
        ['v3', 'v2', 'v1'],
      );
      assert.deepEqual(
        (await store.recentVisits({ cameraId: 'front', limit: 1 })).map((v) => v.id),
        ['v3'],
      );
      await store.markLeft('v1', new Date(5000));
      await store.markLeft('v1', new Date(9000));
      const v1 = await store.getVisit('v1');
      assert.equal(v1?.leftAt?.getTime(), 5000);
      assert.equal(v1?.decidedAt.getTime(), 1000);
      assert.deepEqual(v1?.snapshot, visit('v1', 'front', 1000).snapshot);
      assert.equal(await store.getVisit('nope'), undefined);
    } finally {
      await close();
    }
  });

  test(`${driver}: finds visits naming ids, lists them by age and deletes them`, async () => {
    const { store, close } = await open();
    try {
      await store.addVisit({ ...visit('n1', 'front', 1000), faceId: 'face-a', externalImageId: null });
      await store.addVisit({ ...visit('n2', 'front', 2000), faceId: null, externalImageId: 'visitor-b' });
      await store.addVisit({ ...visit('n3', 'back', 3000), faceId: null, externalImageId: null, userId: 'user-c' });
      await store.addVisit({ ...visit('n4', 'front', 4000), faceId: 'other', externalImageId: 'other' });
      assert.deepEqual(
        (await store.visitsNaming(['face-a', 'visitor-b', 'user-c'])).map((v) => v.id),
        ['n1', 'n2', 'n3'],
      );
      assert.deepEqual(await store.visitsNaming([]), []);
      assert.deepEqual(
        (await store.visitsBefore('front', new Date(4000), 10)).map((v) => v.id),
        ['n1', 'n2'],
      );
      assert.deepEqual(
        (await store.visitsBefore('front', new Date(4000), 1)).map((v) => v.id),
        ['n1'],
      );
      assert.equal(await store.deleteVisits(['n1', 'n3', 'nope']), 2);
      assert.equal(await store.deleteVisits([]), 0);
      assert.deepEqual(
        (await store.recentVisits({ limit: 10 })).map((v) => v.id),
        ['n4', 'n2'],
      );
    } finally {
      await close();
    }
  });
}
