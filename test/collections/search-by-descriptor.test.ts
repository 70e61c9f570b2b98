// CollectionService.searchByDescriptor (camera tracks search with a combined descriptor that exists only in memory):
// best first at or above the threshold, and clear errors for an unknown collection or a descriptor of the wrong shape.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, withCode, type Harness } from './harness.ts';
import { fakeDescriptor, fakeImage } from './fake.engine.ts';

let h: Harness;
beforeEach(async () => {
  h = await harness();
  await h.service.createCollection({ collectionId: 'c' });
  for (const person of ['alice', 'bob'])
    await h.service.indexFaces({
      collectionId: 'c',
      image: { bytes: fakeImage([{ person }]) },
      externalImageId: person,
    });
});
afterEach(async () => h.close());

test('a descriptor of the same person finds their face first, above the threshold', async () => {
  const matches = await h.service.searchByDescriptor({ collectionId: 'c', descriptor: fakeDescriptor('alice', 7) });
  assert.equal(matches.length, 1);
  assert.equal(matches[0]!.face.externalImageId, 'alice');
  assert.ok(matches[0]!.similarity >= 80);
  const all = await h.service.searchByDescriptor({
    collectionId: 'c',
    descriptor: fakeDescriptor('alice', 7),
    faceMatchThreshold: 0,
  });
  assert.deepEqual(
    all.map((m) => m.face.externalImageId),
    ['alice', 'bob'],
  );
});

test('an unknown collection or a descriptor of the wrong length or norm is refused', async () => {
  await assert.rejects(
    h.service.searchByDescriptor({ collectionId: 'nope', descriptor: fakeDescriptor('a') }),
    withCode('NOT_FOUND'),
  );
  await assert.rejects(
    h.service.searchByDescriptor({ collectionId: 'c', descriptor: new Float32Array(3).fill(0.5) }),
    withCode('INVALID_PARAMETER'),
  );
  await assert.rejects(
    h.service.searchByDescriptor({ collectionId: 'c', descriptor: new Float32Array(64).fill(1) }),
    withCode('INVALID_PARAMETER'),
  );
});
