import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { harness, withCode, type Harness } from './harness.ts';
import { fakeImage, type FakeFace } from './fake.engine.ts';

const img = (...faces: FakeFace[]) => ({ bytes: fakeImage(faces) });

describe('CollectionService: users', () => {
  let h: Harness;
  let ann: string[];
  let bob: string[];
  beforeEach(async () => {
    h = await harness();
    await h.service.createCollection({ collectionId: 'c' });
    const r = await h.service.indexFaces({
      collectionId: 'c',
      image: img(
        { person: 'ann', variant: 1 },
        { person: 'ann', variant: 2 },
        { person: 'ann', variant: 3 },
        { person: 'bob', variant: 1 },
        { person: 'bob', variant: 2 },
      ),
    });
    const ids = r.faceRecords.map((f) => f.face.faceId);
    ann = ids.slice(0, 3);
    bob = ids.slice(3);
  });
  afterEach(async () => h.close());

  test('CreateUser twice is CONFLICT; the same ClientRequestToken and parameters is answered again', async () => {
    await h.service.createUser({ collectionId: 'c', userId: 'ann', clientRequestToken: 'tok-1' });
    await h.service.createUser({ collectionId: 'c', userId: 'ann', clientRequestToken: 'tok-1' });
    await assert.rejects(() => h.service.createUser({ collectionId: 'c', userId: 'ann' }), withCode('CONFLICT'));
    await assert.rejects(
      () => h.service.createUser({ collectionId: 'c', userId: 'other', clientRequestToken: 'tok-1' }),
      withCode('IDEMPOTENCY_MISMATCH'),
    );
    assert.equal((await h.service.describeCollection('c')).userCount, 1);
  });

  test('user ids are validated and need an existing collection', async () => {
    await assert.rejects(
      () => h.service.createUser({ collectionId: 'c', userId: 'has space' }),
      withCode('INVALID_PARAMETER'),
    );
    await assert.rejects(
      () => h.service.createUser({ collectionId: 'c', userId: 'x'.repeat(129) }),
      withCode('INVALID_PARAMETER'),
    );
    await assert.rejects(() => h.service.createUser({ collectionId: 'zz', userId: 'u' }), withCode('NOT_FOUND'));
  });

  test('ListUsers pages and reports CREATED, then ACTIVE once a face is associated', async () => {
    for (const u of ['u3', 'u1', 'u2']) await h.service.createUser({ collectionId: 'c', userId: u });
    await h.service.associateFaces({ collectionId: 'c', userId: 'u2', faceIds: [ann[0]!] });
    const p1 = await h.service.listUsers({ collectionId: 'c', maxResults: 2 });
    const p2 = await h.service.listUsers({ collectionId: 'c', maxResults: 2, nextToken: p1.nextToken! });
    assert.deepEqual(
      [...p1.users, ...p2.users],
      [
        { userId: 'u1', userStatus: 'CREATED' },
        { userId: 'u2', userStatus: 'ACTIVE' },
        { userId: 'u3', userStatus: 'CREATED' },
      ],
    );
    await assert.rejects(
      () => h.service.listUsers({ collectionId: 'c', maxResults: 501 }),
      withCode('INVALID_PARAMETER'),
    );
  });

  test('AssociateFaces: same-person faces join; another person is LOW_MATCH_CONFIDENCE; others are reported', async () => {
    await h.service.createUser({ collectionId: 'c', userId: 'ann' });
    await h.service.createUser({ collectionId: 'c', userId: 'bob' });
    const first = await h.service.associateFaces({ collectionId: 'c', userId: 'ann', faceIds: [ann[0]!] });
    assert.deepEqual(first.associatedFaces, [{ faceId: ann[0] }]);
    assert.equal(first.userStatus, 'ACTIVE');
    await h.service.associateFaces({ collectionId: 'c', userId: 'bob', faceIds: [bob[0]!] });
    const missing = '11111111-1111-4111-8111-111111111111';
    const r = await h.service.associateFaces({
      collectionId: 'c',
      userId: 'ann',
      faceIds: [ann[1]!, bob[1]!, bob[0]!, missing],
    });
    assert.deepEqual(r.associatedFaces, [{ faceId: ann[1] }]);
    const byFace = new Map(r.unsuccessfulFaceAssociations.map((u) => [u.faceId, u]));
    assert.deepEqual(byFace.get(bob[1]!)?.reasons, ['LOW_MATCH_CONFIDENCE']);
    assert.ok((byFace.get(bob[1]!)?.confidence ?? 100) < 75);
    assert.deepEqual(byFace.get(bob[0]!), {
      faceId: bob[0],
      userId: 'bob',
      reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'],
    });
    assert.deepEqual(byFace.get(missing), { faceId: missing, reasons: ['FACE_NOT_FOUND'] });
    const lax = await h.service.associateFaces({
      collectionId: 'c',
      userId: 'ann',
      faceIds: [bob[1]!],
      userMatchThreshold: 0,
    });
    assert.deepEqual(lax.associatedFaces, [{ faceId: bob[1] }]);
  });

  test('AssociateFaces on a missing user is NOT_FOUND; more than 100 face ids is INVALID_PARAMETER', async () => {
    await assert.rejects(
      () => h.service.associateFaces({ collectionId: 'c', userId: 'ghost', faceIds: [ann[0]!] }),
      withCode('NOT_FOUND'),
    );
    const many = Array.from({ length: 101 }, (_, i) => `11111111-1111-4111-8111-${String(i).padStart(12, '0')}`);
    await h.service.createUser({ collectionId: 'c', userId: 'u' });
    await assert.rejects(
      () => h.service.associateFaces({ collectionId: 'c', userId: 'u', faceIds: many }),
      withCode('INVALID_PARAMETER'),
    );
  });

  test('a user holds at most 100 faces (SERVICE_QUOTA_EXCEEDED beyond)', async () => {
    const r = await h.service.indexFaces({
      collectionId: 'c',
      image: img(...Array.from({ length: 100 }, (_, i) => ({ person: 'cat', variant: i }))),
      maxFaces: 100,
      qualityFilter: 'NONE',
    });
    await h.service.createUser({ collectionId: 'c', userId: 'cat' });
    const ids = r.faceRecords.map((f) => f.face.faceId);
    await h.service.associateFaces({ collectionId: 'c', userId: 'cat', faceIds: ids.slice(0, 99) });
    await h.service.associateFaces({ collectionId: 'c', userId: 'cat', faceIds: ids.slice(99), userMatchThreshold: 0 });
    await assert.rejects(
      () => h.service.associateFaces({ collectionId: 'c', userId: 'cat', faceIds: [ann[0]!], userMatchThreshold: 0 }),
      withCode('SERVICE_QUOTA_EXCEEDED'),
    );
  });

  test('DisassociateFaces releases own faces and reports others; DeleteUser keeps the faces', async () => {
    await h.service.createUser({ collectionId: 'c', userId: 'ann' });
    await h.service.createUser({ collectionId: 'c', userId: 'bob' });
    await h.service.associateFaces({ collectionId: 'c', userId: 'ann', faceIds: [ann[0]!, ann[1]!] });
    await h.service.associateFaces({ collectionId: 'c', userId: 'bob', faceIds: [bob[0]!] });
    const d = await h.service.disassociateFaces({ collectionId: 'c', userId: 'ann', faceIds: [ann[0]!, bob[0]!] });
    assert.deepEqual(d.disassociatedFaces, [{ faceId: ann[0] }]);
    assert.deepEqual(d.unsuccessfulFaceDisassociations, [
      { faceId: bob[0], userId: 'bob', reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'] },
    ]);
    assert.equal(d.userStatus, 'ACTIVE');
    await h.service.deleteUser({ collectionId: 'c', userId: 'ann', clientRequestToken: 'del-1' });
    await h.service.deleteUser({ collectionId: 'c', userId: 'ann', clientRequestToken: 'del-1' });
    await assert.rejects(() => h.service.deleteUser({ collectionId: 'c', userId: 'ann' }), withCode('NOT_FOUND'));
    const faces = await h.service.listFaces({ collectionId: 'c', faceIds: [ann[1]!] });
    assert.equal(faces.faces[0]?.userId, undefined, 'the face stays, unassociated');
  });

  test('SearchUsers by FaceId and by UserId: best over the user’s faces, threshold, MaxUsers', async () => {
    await h.service.createUser({ collectionId: 'c', userId: 'ann' });
    await h.service.createUser({ collectionId: 'c', userId: 'bob' });
    await h.service.associateFaces({ collectionId: 'c', userId: 'ann', faceIds: [ann[0]!, ann[1]!] });
    await h.service.associateFaces({ collectionId: 'c', userId: 'bob', faceIds: [bob[0]!] });
    const byFace = await h.service.searchUsers({ collectionId: 'c', faceId: ann[2]! });
    assert.deepEqual(byFace.searchedFace, { faceId: ann[2] });
    assert.deepEqual(
      byFace.userMatches.map((m) => m.user),
      [{ userId: 'ann', userStatus: 'ACTIVE' }],
    );
    const all = await h.service.searchUsers({ collectionId: 'c', faceId: ann[2]!, userMatchThreshold: 0 });
    assert.deepEqual(
      all.userMatches.map((m) => m.user.userId),
      ['ann', 'bob'],
    );
    const capped = await h.service.searchUsers({
      collectionId: 'c',
      faceId: ann[2]!,
      userMatchThreshold: 0,
      maxUsers: 1,
    });
    assert.equal(capped.userMatches.length, 1);
    const byUser = await h.service.searchUsers({ collectionId: 'c', userId: 'ann', userMatchThreshold: 0 });
    assert.deepEqual(byUser.searchedUser, { userId: 'ann' });
    assert.deepEqual(
      byUser.userMatches.map((m) => m.user.userId),
      ['bob'],
      'a user does not match itself',
    );
    await assert.rejects(
      () => h.service.searchUsers({ collectionId: 'c', userId: 'ann', faceId: ann[0]! }),
      withCode('INVALID_PARAMETER'),
    );
  });

  test('SearchUsersByImage: largest face searched, others unsearched; no face gives an empty answer', async () => {
    await h.service.createUser({ collectionId: 'c', userId: 'bob' });
    await h.service.associateFaces({ collectionId: 'c', userId: 'bob', faceIds: bob });
    const r = await h.service.searchUsersByImage({
      collectionId: 'c',
      image: img({ person: 'bob', variant: 7, px: 300 }, { person: 'ann', px: 80 }),
    });
    assert.deepEqual(
      r.userMatches.map((m) => m.user.userId),
      ['bob'],
    );
    assert.equal(r.searchedFace?.faceDetail.widthPx, 300);
    assert.deepEqual(
      r.unsearchedFaces.map((u) => u.reasons),
      [['FACE_NOT_LARGEST']],
    );
    const empty = await h.service.searchUsersByImage({ collectionId: 'c', image: img() });
    assert.deepEqual(empty.userMatches, []);
    assert.equal(empty.searchedFace, undefined);
  });
});
