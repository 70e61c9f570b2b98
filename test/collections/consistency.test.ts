// The store and the index stay in step: concurrent writes all land, and a failing index write is undone in the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './harness.ts';
import { FakeEngine, fakeImage } from './fake.engine.ts';
import type { AnalyzeOptions } from '../../src/vision/vision.types.ts';
import { MemoryVectorIndex } from '../../src/collections/memory.vector.driver.ts';
import { FacegateError } from '../../src/errors.ts';

test('concurrent IndexFaces and DeleteFaces calls leave the store and the index with the same faces', async () => {
  const h = await harness({ quantize: true });
  try {
    await h.service.createCollection({ collectionId: 'c' });
    const indexed = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        h.service.indexFaces({
          collectionId: 'c',
          image: { bytes: fakeImage([{ person: `p${i}` }, { person: `q${i}` }]) },
        }),
      ),
    );
    const ids = indexed.flatMap((r) => r.faceRecords.map((f) => f.face.faceId));
    assert.equal(new Set(ids).size, 80);
    await Promise.all([
      h.service.deleteFaces({ collectionId: 'c', faceIds: ids.slice(0, 30) }),
      ...Array.from({ length: 10 }, (_, i) =>
        h.service.indexFaces({ collectionId: 'c', image: { bytes: fakeImage([{ person: `r${i}` }]) } }),
      ),
    ]);
    const stored = (await h.service.listFaces({ collectionId: 'c', maxResults: 4096 })).faces.map((f) => f.faceId);
    assert.equal(stored.length, 60);
    assert.equal(await h.vectors.size('c'), 60);
    for (const id of stored) assert.ok(await h.vectors.get('c', id), id);
  } finally {
    await h.close();
  }
});

test('when the index refuses a write, IndexFaces fails and the store keeps none of its faces', async () => {
  class FullIndex extends MemoryVectorIndex {
    override async add(): Promise<void> {
      throw new FacegateError('LIMIT_EXCEEDED', 'index full');
    }
  }
  const h = await harness();
  try {
    const { CollectionService } = await import('../../src/collections/collection.service.ts');
    const broken = new CollectionService({
      metadata: h.metadata,
      vectors: new FullIndex(),
      objects: h.objects,
      engine: h.engine,
      clock: { now: () => new Date() },
      ids: { uuid: () => crypto.randomUUID() },
      tokenKey: new Uint8Array(32),
    });
    await broken.createCollection({ collectionId: 'c' });
    await assert.rejects(
      () => broken.indexFaces({ collectionId: 'c', image: { bytes: fakeImage([{ person: 'a' }, { person: 'b' }]) } }),
      (e: unknown) => e instanceof FacegateError && e.code === 'LIMIT_EXCEEDED',
    );
    assert.equal((await broken.describeCollection('c')).faceCount, 0);
  } finally {
    await h.close();
  }
});

test('a descriptor that is not a unit vector of the collection’s size is refused before anything is stored', async () => {
  class BrokenEngine extends FakeEngine {
    override async analyze(image: Uint8Array, options?: AnalyzeOptions) {
      const a = await super.analyze(image, options);
      for (const f of a.faces) if (f.descriptor) f.descriptor[0] = Number.NaN;
      return a;
    }
  }
  const h = await harness({ engine: new BrokenEngine() });
  try {
    await h.service.createCollection({ collectionId: 'c' });
    await assert.rejects(
      () => h.service.indexFaces({ collectionId: 'c', image: { bytes: fakeImage([{ person: 'a' }]) } }),
      (e: unknown) => e instanceof FacegateError && e.code === 'INTERNAL',
    );
    assert.equal((await h.service.describeCollection('c')).faceCount, 0);
  } finally {
    await h.close();
  }
});
