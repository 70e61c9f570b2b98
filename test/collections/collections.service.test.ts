import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { harness, withCode, type Harness } from './harness.ts';
import { FakeEngine } from './fake.engine.ts';

describe('CollectionService: collections', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => h.close());

  test('CreateCollection returns an ARN and the engine model; a second create is ALREADY_EXISTS', async () => {
    const r = await h.service.createCollection({ collectionId: 'staff' });
    assert.equal(r.collectionArn, 'aws:rekognition:local:000000000000:collection/staff');
    assert.equal(r.faceModelVersion, 'fake-v1');
    await assert.rejects(() => h.service.createCollection({ collectionId: 'staff' }), withCode('ALREADY_EXISTS'));
  });

  test('collection ids outside [a-zA-Z0-9_.-]{1,255} are INVALID_PARAMETER', async () => {
    for (const id of ['', 'has space', 'slash/no', 'x'.repeat(256), 'é']) {
      await assert.rejects(() => h.service.createCollection({ collectionId: id }), withCode('INVALID_PARAMETER'), id);
    }
    await h.service.createCollection({ collectionId: 'A-z_0.9' });
  });

  test('DescribeCollection reports counts, model, ARN and creation time; unknown is NOT_FOUND', async () => {
    await h.service.createCollection({ collectionId: 'c' });
    const d = await h.service.describeCollection('c');
    assert.deepEqual(d, {
      collectionId: 'c',
      collectionArn: 'aws:rekognition:local:000000000000:collection/c',
      faceModelVersion: 'fake-v1',
      createdAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      faceCount: 0,
      userCount: 0,
    });
    await assert.rejects(() => h.service.describeCollection('nope'), withCode('NOT_FOUND'));
  });

  test('ListCollections pages with an opaque token and returns model versions in step', async () => {
    for (const id of ['d', 'b', 'a', 'c', 'e']) await h.service.createCollection({ collectionId: id });
    const p1 = await h.service.listCollections({ maxResults: 2 });
    assert.deepEqual(p1.collectionIds, ['a', 'b']);
    assert.deepEqual(p1.faceModelVersions, ['fake-v1', 'fake-v1']);
    assert.ok(p1.nextToken);
    const p2 = await h.service.listCollections({ maxResults: 2, nextToken: p1.nextToken });
    const p3 = await h.service.listCollections({ maxResults: 2, nextToken: p2.nextToken! });
    assert.deepEqual([...p2.collectionIds, ...p3.collectionIds], ['c', 'd', 'e']);
    assert.equal(p3.nextToken, undefined);
    await assert.rejects(() => h.service.listCollections({ maxResults: 4097 }), withCode('INVALID_PARAMETER'));
  });

  test('a forged or altered pagination token is INVALID_PAGINATION_TOKEN', async () => {
    for (const id of ['a', 'b', 'c']) await h.service.createCollection({ collectionId: id });
    const { nextToken } = await h.service.listCollections({ maxResults: 1 });
    const [body, sig] = nextToken!.split('.');
    const forged = Buffer.from(JSON.stringify({ s: 'ListCollections', a: 'b' })).toString('base64url');
    for (const bad of [`${forged}.${sig}`, `${body}.${sig}x`, 'garbage', `${body}`]) {
      await assert.rejects(() => h.service.listCollections({ nextToken: bad }), withCode('INVALID_PAGINATION_TOKEN'));
    }
  });

  test('DeleteCollection removes faces, users and vectors; deleting again is NOT_FOUND', async () => {
    await h.service.createCollection({ collectionId: 'c' });
    const { fakeImage } = await import('./fake.engine.ts');
    await h.service.indexFaces({ collectionId: 'c', image: { bytes: fakeImage([{ person: 'ann' }]) } });
    await h.service.createUser({ collectionId: 'c', userId: 'u' });
    await h.service.deleteCollection('c');
    assert.equal(await h.vectors.size('c'), 0);
    await assert.rejects(() => h.service.deleteCollection('c'), withCode('NOT_FOUND'));
    await h.service.createCollection({ collectionId: 'c' });
    const d = await h.service.describeCollection('c');
    assert.equal(d.faceCount + d.userCount, 0);
  });

  test('a collection refuses an engine of another model version with MODEL_MISMATCH', async () => {
    await h.service.createCollection({ collectionId: 'old' });
    const other = await harness({ engine: new FakeEngine('fake-v2') });
    try {
      // Same database content, newer engine: simulate by sharing the metadata row.
      await other.metadata.createCollection({
        id: 'old',
        faceModelVersion: 'fake-v1',
        descriptorSize: 64,
        createdAt: new Date(),
        tags: {},
      });
      const { fakeImage } = await import('./fake.engine.ts');
      await assert.rejects(
        () => other.service.indexFaces({ collectionId: 'old', image: { bytes: fakeImage([{ person: 'x' }]) } }),
        withCode('MODEL_MISMATCH'),
      );
    } finally {
      await other.close();
    }
  });
});
