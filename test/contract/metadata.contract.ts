// The MetadataStore contract: every driver (SQLite today, Postgres later) must pass this suite.
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { FaceRow, MetadataStore } from '../../src/collections/metadata.port.ts';
import { isFacegateError } from '../../src/errors.ts';

export function faceRow(collectionId: string, id: string, over: Partial<FaceRow> = {}): FaceRow {
  return {
    id,
    collectionId,
    imageId: '00000000-0000-4000-8000-000000000001',
    externalImageId: 'ext:1',
    box: { left: 0.1, top: 0.2, width: 0.3, height: 0.4 },
    confidence: 99.5,
    quality: { brightness: 60, sharpness: 70 },
    pose: { roll: 1, yaw: -2, pitch: 3 },
    modelVersion: 'test-v1',
    userId: null,
    createdAt: new Date(1_700_000_000_000),
    descriptor: Float32Array.from([0.6, 0.8, 0, 0]),
    ...over,
  };
}

const collection = (id: string) => ({
  id,
  faceModelVersion: 'test-v1',
  descriptorSize: 4,
  createdAt: new Date(1_700_000_000_000),
  tags: { team: 'd' },
});

const code = (c: string) => (e: unknown) => isFacegateError(e) && e.code === c;

export function metadataStoreContract(driver: string, make: () => Promise<MetadataStore>): void {
  describe(`MetadataStore contract: ${driver}`, () => {
    let store: MetadataStore;
    beforeEach(async () => {
      store = await make();
      await store.createCollection(collection('c1'));
    });
    afterEach(async () => store.close());

    test('a collection is created once; a second create gives ALREADY_EXISTS', async () => {
      await assert.rejects(() => store.createCollection(collection('c1')), code('ALREADY_EXISTS'));
      const c = await store.getCollection('c1');
      assert.equal(c?.faceModelVersion, 'test-v1');
      assert.deepEqual(c?.tags, { team: 'd' });
      assert.equal(c?.createdAt.getTime(), 1_700_000_000_000);
    });

    test('collections list in id order after a key', async () => {
      for (const id of ['c3', 'c0', 'c2']) await store.createCollection(collection(id));
      assert.deepEqual(
        (await store.listCollections(undefined, 10)).map((c) => c.id),
        ['c0', 'c1', 'c2', 'c3'],
      );
      assert.deepEqual(
        (await store.listCollections('c1', 1)).map((c) => c.id),
        ['c2'],
      );
    });

    test('faces round-trip every field, descriptor included', async () => {
      const f = faceRow('c1', 'f1', { userId: null, externalImageId: null });
      await store.insertFaces([f]);
      const [got] = await store.getFaces('c1', ['f1', 'nope']);
      assert.deepEqual(got, f);
    });

    test('inserting into a missing collection gives NOT_FOUND and writes nothing', async () => {
      await assert.rejects(() => store.insertFaces([faceRow('c1', 'ok'), faceRow('gone', 'f2')]), code('NOT_FOUND'));
      assert.deepEqual(await store.getFaces('c1', ['ok']), []);
    });

    test('staged faces commit in a unit of work; a failing write of the same unit rolls them back', async () => {
      await store.unitOfWork.commit([store.stageInsertFaces([faceRow('c1', 's1')])]);
      assert.equal((await store.getFaces('c1', ['s1'])).length, 1);
      await assert.rejects(
        () =>
          store.unitOfWork.commit([
            store.stageInsertFaces([faceRow('c1', 's2')]),
            store.stageInsertFaces([faceRow('gone', 's3')]),
          ]),
        code('NOT_FOUND'),
      );
      assert.deepEqual(await store.getFaces('c1', ['s2']), []);
      await store.unitOfWork.commit([store.stageDeleteFaces('c1', ['s1', 'absent'])], { erase: true });
      assert.deepEqual(await store.getFaces('c1', ['s1']), []);
    });

    test('a duplicate face id fails the whole batch', async () => {
      await store.insertFaces([faceRow('c1', 'dup')]);
      await assert.rejects(() => store.insertFaces([faceRow('c1', 'new'), faceRow('c1', 'dup')]));
      assert.deepEqual(await store.getFaces('c1', ['new']), []);
    });

    test('listFaces pages by id and filters by user and by ids, without descriptors', async () => {
      await store.insertFaces(['f3', 'f1', 'f2', 'f4'].map((id) => faceRow('c1', id)));
      await store.createUser('c1', 'u1', new Date());
      await store.setFaceUser('c1', ['f2', 'f4'], 'u1');
      const page1 = await store.listFaces('c1', { limit: 2 });
      assert.deepEqual(
        page1.map((f) => f.id),
        ['f1', 'f2'],
      );
      assert.equal(page1[0]!.descriptor.length, 0);
      assert.deepEqual(
        (await store.listFaces('c1', { limit: 2, afterId: 'f2' })).map((f) => f.id),
        ['f3', 'f4'],
      );
      assert.deepEqual(
        (await store.listFaces('c1', { limit: 10, userId: 'u1' })).map((f) => f.id),
        ['f2', 'f4'],
      );
      assert.deepEqual(
        (await store.listFaces('c1', { limit: 10, faceIds: ['f4', 'f1', 'x'] })).map((f) => f.id),
        ['f1', 'f4'],
      );
    });

    test('deleteFaces returns only the ids that existed', async () => {
      await store.insertFaces([faceRow('c1', 'a'), faceRow('c1', 'b')]);
      assert.deepEqual(await store.deleteFaces('c1', ['a', 'zz']), ['a']);
      assert.equal((await store.collectionStats('c1'))?.faceCount, 1);
    });

    test('users: create, CONFLICT on repeat, counts, list after a key, delete clears face association', async () => {
      await store.insertFaces([faceRow('c1', 'f1')]);
      await store.createUser('c1', 'u2', new Date(5));
      await store.createUser('c1', 'u1', new Date(6));
      await assert.rejects(() => store.createUser('c1', 'u1', new Date()), code('CONFLICT'));
      await assert.rejects(() => store.createUser('missing', 'u1', new Date()), code('NOT_FOUND'));
      await store.setFaceUser('c1', ['f1'], 'u1');
      assert.equal((await store.getUser('c1', 'u1'))?.faceCount, 1);
      assert.deepEqual(await store.userFaces('c1'), new Map([['f1', 'u1']]));
      assert.deepEqual(
        (await store.listUsers('c1', 'u1', 10)).map((u) => u.id),
        ['u2'],
      );
      assert.equal((await store.collectionStats('c1'))?.userCount, 2);
      assert.equal(await store.deleteUser('c1', 'u1'), true);
      assert.equal(await store.deleteUser('c1', 'u1'), false);
      assert.equal((await store.getFaces('c1', ['f1']))[0]?.userId, null);
    });

    test('deleting a collection removes its faces, users and tokens', async () => {
      await store.insertFaces([faceRow('c1', 'f1')]);
      await store.createUser('c1', 'u1', new Date());
      await store.putIdempotency('c1', 'CreateUser', 't', { paramsHash: 'h', response: '{}', createdAt: new Date() });
      assert.equal(await store.deleteCollection('c1'), true);
      assert.equal(await store.deleteCollection('c1'), false);
      await store.createCollection(collection('c1'));
      assert.deepEqual(await store.getFaces('c1', ['f1']), []);
      assert.equal(await store.getUser('c1', 'u1'), undefined);
      assert.equal(await store.getIdempotency('c1', 'CreateUser', 't'), undefined);
    });

    test('scanDescriptors yields every face of every collection', async () => {
      await store.createCollection(collection('c2'));
      await store.insertFaces([faceRow('c1', 'a'), faceRow('c2', 'b')]);
      const seen: string[] = [];
      for await (const d of store.scanDescriptors()) {
        seen.push(`${d.collectionId}/${d.faceId}`);
        assert.deepEqual(d.descriptor, Float32Array.from([0.6, 0.8, 0, 0]));
      }
      assert.deepEqual(seen.sort(), ['c1/a', 'c2/b']);
    });

    test('idempotency records keep the first answer', async () => {
      const rec = { paramsHash: 'h1', response: '{"a":1}', createdAt: new Date(7) };
      await store.putIdempotency('c1', 'CreateUser', 'tok', rec);
      await store.putIdempotency('c1', 'CreateUser', 'tok', { ...rec, paramsHash: 'h2' });
      assert.deepEqual(await store.getIdempotency('c1', 'CreateUser', 'tok'), rec);
      assert.equal(await store.getIdempotency('c1', 'DeleteUser', 'tok'), undefined);
    });

    test('a secret is created once and then stays the same', async () => {
      const a = await store.secret('pagination');
      assert.equal(a.byteLength, 32);
      assert.deepEqual(await store.secret('pagination'), a);
      assert.notDeepEqual(await store.secret('other'), a);
    });
  });
}
