import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { harness, withCode, type Harness } from './harness.ts';
import { fakeImage, type FakeFace } from './fake.engine.ts';

const img = (...faces: FakeFace[]) => ({ bytes: fakeImage(faces) });

describe('CollectionService: faces', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.service.createCollection({ collectionId: 'c' });
  });
  afterEach(async () => h.close());

  test('IndexFaces stores faces largest first, with one ImageId, the ExternalImageId and the model version', async () => {
    const r = await h.service.indexFaces({
      collectionId: 'c',
      image: img({ person: 'small', px: 60 }, { person: 'big', px: 200 }, { person: 'mid', px: 120 }),
      externalImageId: 'party:2026',
    });
    assert.deepEqual(
      r.faceRecords.map((f) => f.faceDetail.widthPx),
      [200, 120, 60],
    );
    assert.equal(new Set(r.faceRecords.map((f) => f.face.imageId)).size, 1);
    assert.ok(r.faceRecords.every((f) => f.face.externalImageId === 'party:2026'));
    assert.ok(r.faceRecords.every((f) => f.face.indexFacesModelVersion === 'fake-v1'));
    assert.ok(
      r.faceRecords.every((f) => !('descriptor' in f.faceDetail)),
      'descriptors never leave the service',
    );
    assert.equal(r.unindexedFaces.length, 0);
    assert.equal((await h.service.describeCollection('c')).faceCount, 3);
    assert.equal(await h.vectors.size('c'), 3);
  });

  test('MaxFaces keeps the largest faces and reports the rest as EXCEEDS_MAX_FACES', async () => {
    const r = await h.service.indexFaces({
      collectionId: 'c',
      image: img({ person: 'a', px: 50 }, { person: 'b', px: 150 }, { person: 'c', px: 100 }),
      maxFaces: 2,
    });
    assert.deepEqual(
      r.faceRecords.map((f) => f.faceDetail.widthPx),
      [150, 100],
    );
    assert.deepEqual(
      r.unindexedFaces.map((u) => [u.faceDetail.widthPx, u.reasons]),
      [[50, ['EXCEEDS_MAX_FACES']]],
    );
  });

  test('QualityFilter gives reasons per face; NONE indexes everything', async () => {
    const faces: FakeFace[] = [
      { person: 'ok', px: 200 },
      { person: 'tiny', px: 10 },
      { person: 'turned', yaw: 80 },
      { person: 'dark', brightness: 2 },
      { person: 'blurred', sharpness: 1 },
      { person: 'unsure', confidence: 30 },
    ];
    const auto = await h.service.indexFaces({ collectionId: 'c', image: img(...faces) });
    assert.equal(auto.faceRecords.length, 1);
    const reasons = auto.unindexedFaces.flatMap((u) => u.reasons);
    for (const r of ['SMALL_BOUNDING_BOX', 'EXTREME_POSE', 'LOW_BRIGHTNESS', 'LOW_SHARPNESS', 'LOW_CONFIDENCE']) {
      assert.ok(reasons.includes(r as never), r);
    }
    const high = await h.service.indexFaces({
      collectionId: 'c',
      image: img({ person: 'p', px: 50 }),
      qualityFilter: 'HIGH',
    });
    assert.deepEqual(high.unindexedFaces[0]?.reasons, ['SMALL_BOUNDING_BOX']);
    const none = await h.service.indexFaces({ collectionId: 'c', image: img(...faces), qualityFilter: 'NONE' });
    assert.equal(none.faceRecords.length, faces.length);
  });

  test('IndexFaces reads Image.S3Object from the object store; a missing object is INVALID_S3_OBJECT', async () => {
    await h.objects.put('uploads', 'people/ann.jpg', fakeImage([{ person: 'ann' }]));
    const r = await h.service.indexFaces({
      collectionId: 'c',
      image: { s3Object: { bucket: 'uploads', name: 'people/ann.jpg' } },
    });
    assert.equal(r.faceRecords.length, 1);
    await assert.rejects(
      () => h.service.indexFaces({ collectionId: 'c', image: { s3Object: { bucket: 'uploads', name: 'nope.jpg' } } }),
      withCode('INVALID_S3_OBJECT'),
    );
  });

  test('IndexFaces validates ExternalImageId and MaxFaces, and needs an existing collection', async () => {
    await assert.rejects(
      () => h.service.indexFaces({ collectionId: 'c', image: img({ person: 'a' }), externalImageId: 'bad id' }),
      withCode('INVALID_PARAMETER'),
    );
    await assert.rejects(
      () => h.service.indexFaces({ collectionId: 'c', image: img({ person: 'a' }), maxFaces: 101 }),
      withCode('INVALID_PARAMETER'),
    );
    await assert.rejects(
      () => h.service.indexFaces({ collectionId: 'zz', image: img({ person: 'a' }) }),
      withCode('NOT_FOUND'),
    );
  });

  test('ListFaces pages, filters by FaceIds and by UserId', async () => {
    const r = await h.service.indexFaces({
      collectionId: 'c',
      image: img(...['a', 'b', 'c', 'd', 'e'].map((person) => ({ person }))),
    });
    const ids = r.faceRecords.map((f) => f.face.faceId).sort();
    const p1 = await h.service.listFaces({ collectionId: 'c', maxResults: 3 });
    const p2 = await h.service.listFaces({ collectionId: 'c', maxResults: 3, nextToken: p1.nextToken! });
    assert.deepEqual(
      [...p1.faces, ...p2.faces].map((f) => f.faceId),
      ids,
    );
    assert.equal(p2.nextToken, undefined);
    assert.equal(p1.faceModelVersion, 'fake-v1');
    const some = await h.service.listFaces({ collectionId: 'c', faceIds: [ids[4]!, ids[1]!] });
    assert.deepEqual(
      some.faces.map((f) => f.faceId),
      [ids[1], ids[4]],
    );
    await h.service.createUser({ collectionId: 'c', userId: 'u1' });
    await h.service.associateFaces({ collectionId: 'c', userId: 'u1', faceIds: [ids[2]!] });
    const byUser = await h.service.listFaces({ collectionId: 'c', userId: 'u1' });
    assert.deepEqual(
      byUser.faces.map((f) => [f.faceId, f.userId]),
      [[ids[2], 'u1']],
    );
    await assert.rejects(
      () => h.service.listFaces({ collectionId: 'c', userId: 'u1', nextToken: p1.nextToken! }),
      withCode('INVALID_PAGINATION_TOKEN'),
      'a token from another listing is refused',
    );
  });

  test('DeleteFaces deletes found faces and reports FACE_NOT_FOUND and ASSOCIATED_TO_AN_EXISTING_USER', async () => {
    const r = await h.service.indexFaces({ collectionId: 'c', image: img({ person: 'a' }, { person: 'b' }) });
    const [a, b] = r.faceRecords.map((f) => f.face.faceId) as [string, string];
    await h.service.createUser({ collectionId: 'c', userId: 'u' });
    await h.service.associateFaces({ collectionId: 'c', userId: 'u', faceIds: [b] });
    const missing = '11111111-1111-4111-8111-111111111111';
    const d = await h.service.deleteFaces({ collectionId: 'c', faceIds: [a, b, missing] });
    assert.deepEqual(d.deletedFaces, [a]);
    assert.deepEqual(d.unsuccessfulFaceDeletions, [
      { faceId: b, userId: 'u', reasons: ['ASSOCIATED_TO_AN_EXISTING_USER'] },
      { faceId: missing, reasons: ['FACE_NOT_FOUND'] },
    ]);
    assert.equal(await h.vectors.size('c'), 1);
    await assert.rejects(
      () => h.service.deleteFaces({ collectionId: 'c', faceIds: ['NOT-A-UUID'] }),
      withCode('INVALID_PARAMETER'),
    );
  });

  test('SearchFaces finds the same person best first, excludes the searched face, applies the threshold', async () => {
    const r = await h.service.indexFaces({
      collectionId: 'c',
      image: img(
        { person: 'ann', variant: 1 },
        { person: 'ann', variant: 2 },
        { person: 'ann', variant: 3 },
        { person: 'bob', variant: 1 },
      ),
      qualityFilter: 'NONE',
    });
    const probe = r.faceRecords[0]!.face;
    const s = await h.service.searchFaces({ collectionId: 'c', faceId: probe.faceId });
    assert.equal(s.searchedFaceId, probe.faceId);
    assert.equal(s.faceMatches.length, 2, 'the other two ann faces, not bob, not itself');
    assert.ok(s.faceMatches.every((m) => m.similarity >= 80 && m.face.faceId !== probe.faceId));
    assert.ok(s.faceMatches[0]!.similarity >= s.faceMatches[1]!.similarity);
    const all = await h.service.searchFaces({ collectionId: 'c', faceId: probe.faceId, faceMatchThreshold: 0 });
    assert.equal(all.faceMatches.length, 3);
    const one = await h.service.searchFaces({ collectionId: 'c', faceId: probe.faceId, maxFaces: 1 });
    assert.equal(one.faceMatches.length, 1);
    await assert.rejects(
      () => h.service.searchFaces({ collectionId: 'c', faceId: '11111111-1111-4111-8111-111111111111' }),
      withCode('INVALID_PARAMETER'),
    );
  });

  test('equal similarities are ordered by face id', async () => {
    await h.service.indexFaces({
      collectionId: 'c',
      image: img({ person: 'twin' }, { person: 'twin' }, { person: 'twin' }),
    });
    const s = await h.service.searchFacesByImage({ collectionId: 'c', image: img({ person: 'twin' }) });
    const ids = s.faceMatches.map((m) => m.face.faceId);
    assert.equal(ids.length, 3);
    assert.deepEqual(ids, [...ids].sort());
  });

  test('SearchFacesByImage searches with the largest face and reports its box; no face is NO_FACE', async () => {
    await h.service.indexFaces({ collectionId: 'c', image: img({ person: 'ann', variant: 1 }) });
    const s = await h.service.searchFacesByImage({
      collectionId: 'c',
      image: img({ person: 'bob', px: 50 }, { person: 'ann', variant: 2, px: 300 }),
    });
    assert.equal(s.searchedFaceBoundingBox.width, 0.3);
    assert.equal(s.searchedFaceConfidence, 99.9);
    assert.equal(s.faceMatches.length, 1);
    await assert.rejects(() => h.service.searchFacesByImage({ collectionId: 'c', image: img() }), withCode('NO_FACE'));
  });
});

describe('CollectionService on the int8 index', () => {
  test('search results match the float index on the same faces', async () => {
    const hf = await harness();
    const hq = await harness({ quantize: true });
    try {
      const faces = Array.from({ length: 30 }, (_, i) => ({ person: `p${i % 6}`, variant: i }));
      for (const x of [hf, hq]) {
        await x.service.createCollection({ collectionId: 'c' });
        await x.service.indexFaces({ collectionId: 'c', image: img(...faces), qualityFilter: 'NONE', maxFaces: 100 });
      }
      const probe = img({ person: 'p3', variant: 99 });
      const a = await hf.service.searchFacesByImage({ collectionId: 'c', image: probe, faceMatchThreshold: 50 });
      const b = await hq.service.searchFacesByImage({ collectionId: 'c', image: probe, faceMatchThreshold: 50 });
      assert.equal(a.faceMatches.length, 5);
      assert.deepEqual(
        new Set(b.faceMatches.map((m) => m.face.faceId)),
        new Set(a.faceMatches.map((m) => m.face.faceId)),
      );
      a.faceMatches.forEach((m, i) => assert.ok(Math.abs(m.similarity - b.faceMatches[i]!.similarity) < 1));
    } finally {
      await hf.close();
      await hq.close();
    }
  });
});
