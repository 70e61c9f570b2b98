// Collection, face and user operations through the AWS SDK over HTTP, on the real CollectionService (SQLite and the
// in-memory index in a temp data dir) with a stub engine (stub.engine.ts) so results are exact.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AssociateFacesCommand,
  CreateCollectionCommand,
  CreateUserCommand,
  DeleteCollectionCommand,
  DeleteFacesCommand,
  DeleteUserCommand,
  DescribeCollectionCommand,
  DisassociateFacesCommand,
  IndexFacesCommand,
  ListCollectionsCommand,
  ListFacesCommand,
  ListUsersCommand,
  SearchFacesByImageCommand,
  SearchFacesCommand,
  SearchUsersByImageCommand,
  SearchUsersCommand,
  type RekognitionClient,
  type RekognitionServiceException,
} from '@aws-sdk/client-rekognition';
import { startServer, type Harness } from './rekognition.harness.ts';
import { scene, stubEngine } from './stub.engine.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let h: Harness;
let rk: RekognitionClient;
before(async () => {
  h = await startServer({ overrides: { engine: stubEngine } });
  rk = h.client();
});
after(() => h.close());

async function sdkError(p: Promise<unknown>): Promise<RekognitionServiceException> {
  try {
    await p;
  } catch (e) {
    return e as RekognitionServiceException;
  }
  assert.fail('expected the call to fail');
}

const img = (n: number) => ({ Bytes: scene(n) });
const ids: Record<string, string> = {};

describe('collections through the AWS SDK', () => {
  test('CreateCollection returns 200, an ARN and the face model version', async () => {
    const r = await rk.send(new CreateCollectionCommand({ CollectionId: 'people' }));
    assert.equal(r.StatusCode, 200);
    // The region the client signed for (eu-west-3) and the configured account; the version as AWS writes it.
    assert.equal(r.CollectionArn, 'arn:aws:rekognition:eu-west-3:000000000000:collection/people');
    assert.equal(r.FaceModelVersion, '7.0');
  });

  test('creating it twice is ResourceAlreadyExistsException', async () => {
    const e = await sdkError(rk.send(new CreateCollectionCommand({ CollectionId: 'people' })));
    assert.equal(e.name, 'ResourceAlreadyExistsException');
  });

  test('ListCollections pages with MaxResults and NextToken; a forged token is InvalidPaginationTokenException', async () => {
    await rk.send(new CreateCollectionCommand({ CollectionId: 'zoo' }));
    const first = await rk.send(new ListCollectionsCommand({ MaxResults: 1 }));
    assert.deepEqual(first.CollectionIds, ['people']);
    assert.deepEqual(first.FaceModelVersions, ['7.0']);
    assert.ok(first.NextToken);
    const second = await rk.send(new ListCollectionsCommand({ MaxResults: 1, NextToken: first.NextToken }));
    assert.deepEqual(second.CollectionIds, ['zoo']);
    const e = await sdkError(rk.send(new ListCollectionsCommand({ NextToken: 'forged-token' })));
    assert.equal(e.name, 'InvalidPaginationTokenException');
  });

  test('IndexFaces stores the largest faces first and reports the rest as unindexed', async () => {
    const one = await rk.send(new IndexFacesCommand({ CollectionId: 'people', Image: img(1), ExternalImageId: 'ana' }));
    assert.equal(one.FaceModelVersion, '7.0');
    assert.equal(one.FaceRecords?.length, 1);
    const rec = one.FaceRecords![0]!;
    assert.match(rec.Face?.FaceId ?? '', UUID);
    assert.match(rec.Face?.ImageId ?? '', UUID);
    assert.equal(rec.Face?.ExternalImageId, 'ana');
    assert.equal(rec.Face?.BoundingBox?.Left, 0.1);
    assert.equal(typeof rec.Face?.Confidence, 'number');
    assert.ok(rec.FaceDetail?.Pose && rec.FaceDetail.Quality && rec.FaceDetail.Landmarks);
    ids.ana = rec.Face!.FaceId!;

    const two = await rk.send(
      new IndexFacesCommand({ CollectionId: 'people', Image: img(2), ExternalImageId: 'group', MaxFaces: 1 }),
    );
    assert.equal(two.FaceRecords?.length, 1);
    assert.equal(two.FaceRecords![0]!.Face?.BoundingBox?.Left, 0.1, 'the larger face is kept');
    assert.deepEqual(two.UnindexedFaces?.[0]?.Reasons, ['EXCEEDS_MAX_FACES']);
    ids.ana2 = two.FaceRecords![0]!.Face!.FaceId!;
    const bo = await rk.send(new IndexFacesCommand({ CollectionId: 'people', Image: img(5), ExternalImageId: 'bo' }));
    ids.bo = bo.FaceRecords![0]!.Face!.FaceId!;
  });

  test('IndexFaces of an image without faces indexes nothing and is not an error', async () => {
    const r = await rk.send(new IndexFacesCommand({ CollectionId: 'people', Image: img(3) }));
    assert.deepEqual(r.FaceRecords, []);
    assert.deepEqual(r.UnindexedFaces, []);
  });

  test('IndexFaces into an unknown collection is ResourceNotFoundException', async () => {
    const e = await sdkError(rk.send(new IndexFacesCommand({ CollectionId: 'nobody', Image: img(1) })));
    assert.equal(e.name, 'ResourceNotFoundException');
  });

  test('DescribeCollection counts faces and users and gives a Date creation time', async () => {
    const r = await rk.send(new DescribeCollectionCommand({ CollectionId: 'people' }));
    assert.equal(r.FaceCount, 3);
    assert.equal(r.UserCount, 0);
    assert.ok(r.CreationTimestamp instanceof Date);
    assert.ok(Math.abs(r.CreationTimestamp.getTime() - Date.now()) < 24 * 3600_000);
    assert.match(r.CollectionARN ?? '', /people$/);
  });

  test('ListFaces pages through every face', async () => {
    const first = await rk.send(new ListFacesCommand({ CollectionId: 'people', MaxResults: 2 }));
    assert.equal(first.Faces?.length, 2);
    assert.ok(first.NextToken);
    const rest = await rk.send(
      new ListFacesCommand({ CollectionId: 'people', MaxResults: 2, NextToken: first.NextToken }),
    );
    const all = [...first.Faces!, ...rest.Faces!].map((f) => f.FaceId).sort();
    assert.deepEqual(all, [ids.ana, ids.ana2, ids.bo].sort());
    assert.equal(rest.NextToken, undefined);
  });

  test('SearchFaces finds the same person above the threshold, best first, not the face itself', async () => {
    const r = await rk.send(new SearchFacesCommand({ CollectionId: 'people', FaceId: ids.ana }));
    assert.equal(r.SearchedFaceId, ids.ana);
    assert.deepEqual(
      r.FaceMatches?.map((m) => m.Face?.FaceId),
      [ids.ana2],
    );
    assert.ok(r.FaceMatches![0]!.Similarity! > 90);
    const loose = await rk.send(
      new SearchFacesCommand({ CollectionId: 'people', FaceId: ids.ana, FaceMatchThreshold: 0 }),
    );
    assert.equal(loose.FaceMatches?.length, 2);
    assert.ok(loose.FaceMatches![0]!.Similarity! >= loose.FaceMatches![1]!.Similarity!);
  });

  test('SearchFaces with an unknown face id is InvalidParameterException', async () => {
    const e = await sdkError(
      rk.send(new SearchFacesCommand({ CollectionId: 'people', FaceId: '00000000-0000-4000-8000-000000000000' })),
    );
    assert.equal(e.name, 'InvalidParameterException');
  });

  test('SearchFacesByImage searches with the largest face', async () => {
    const r = await rk.send(new SearchFacesByImageCommand({ CollectionId: 'people', Image: img(2) }));
    assert.equal(r.SearchedFaceBoundingBox?.Left, 0.1);
    assert.equal(typeof r.SearchedFaceConfidence, 'number');
    assert.deepEqual(new Set(r.FaceMatches?.map((m) => m.Face?.ExternalImageId)), new Set(['ana', 'group']));
    assert.equal(r.FaceModelVersion, '7.0');
  });

  test('SearchFacesByImage without a face is InvalidParameterException', async () => {
    const e = await sdkError(rk.send(new SearchFacesByImageCommand({ CollectionId: 'people', Image: img(3) })));
    assert.equal(e.name, 'InvalidParameterException');
  });

  test('invalid face ids are InvalidParameterException before anything runs', async () => {
    const e = await sdkError(rk.send(new DeleteFacesCommand({ CollectionId: 'people', FaceIds: ['not-a-uuid'] })));
    assert.equal(e.name, 'InvalidParameterException');
    assert.match(e.message, /FaceIds/);
  });
});

describe('users through the AWS SDK', () => {
  test('CreateUser, then again is ConflictException; ListUsers lists it', async () => {
    const r = await rk.send(new CreateUserCommand({ CollectionId: 'people', UserId: 'ana' }));
    assert.equal(r.$metadata.httpStatusCode, 200);
    const e = await sdkError(rk.send(new CreateUserCommand({ CollectionId: 'people', UserId: 'ana' })));
    assert.equal(e.name, 'ConflictException');
    const list = await rk.send(new ListUsersCommand({ CollectionId: 'people' }));
    assert.deepEqual(
      list.Users?.map((u) => u.UserId),
      ['ana'],
    );
    assert.equal(typeof list.Users![0]!.UserStatus, 'string');
  });

  test('AssociateFaces adds matching faces and refuses a face of someone else', async () => {
    const r = await rk.send(
      new AssociateFacesCommand({ CollectionId: 'people', UserId: 'ana', FaceIds: [ids.ana!, ids.ana2!] }),
    );
    assert.deepEqual(r.AssociatedFaces?.map((f) => f.FaceId).sort(), [ids.ana, ids.ana2].sort());
    assert.deepEqual(r.UnsuccessfulFaceAssociations, []);
    assert.equal(typeof r.UserStatus, 'string');
    const other = await rk.send(
      new AssociateFacesCommand({ CollectionId: 'people', UserId: 'ana', FaceIds: [ids.bo!] }),
    );
    assert.deepEqual(other.AssociatedFaces, []);
    assert.deepEqual(other.UnsuccessfulFaceAssociations?.[0]?.Reasons, ['LOW_MATCH_CONFIDENCE']);
  });

  test('SearchUsers by face id and SearchUsersByImage find the user', async () => {
    const byFace = await rk.send(new SearchUsersCommand({ CollectionId: 'people', FaceId: ids.ana }));
    assert.equal(byFace.UserMatches?.[0]?.User?.UserId, 'ana');
    assert.equal(byFace.SearchedFace?.FaceId, ids.ana);
    const byUser = await rk.send(new SearchUsersCommand({ CollectionId: 'people', UserId: 'ana' }));
    assert.equal(byUser.SearchedUser?.UserId, 'ana');
    const byImage = await rk.send(new SearchUsersByImageCommand({ CollectionId: 'people', Image: img(2) }));
    assert.equal(byImage.UserMatches?.[0]?.User?.UserId, 'ana');
    assert.ok(byImage.SearchedFace?.FaceDetail?.BoundingBox);
    assert.equal(byImage.UnsearchedFaces?.length, 1);
    assert.ok(byImage.UnsearchedFaces![0]!.FaceDetails?.BoundingBox, 'UnsearchedFace carries FaceDetails');
    const nobody = await rk.send(new SearchUsersByImageCommand({ CollectionId: 'people', Image: img(3) }));
    assert.deepEqual(nobody.UserMatches, []);
  });

  test('SearchUsers needs exactly one of UserId and FaceId', async () => {
    const e = await sdkError(rk.send(new SearchUsersCommand({ CollectionId: 'people' })));
    assert.equal(e.name, 'InvalidParameterException');
  });

  test('ListFaces filters by UserId', async () => {
    const r = await rk.send(new ListFacesCommand({ CollectionId: 'people', UserId: 'ana' }));
    assert.deepEqual(r.Faces?.map((f) => f.FaceId).sort(), [ids.ana, ids.ana2].sort());
    assert.ok(r.Faces!.every((f) => f.UserId === 'ana'));
  });

  test('DisassociateFaces, DeleteUser', async () => {
    const r = await rk.send(
      new DisassociateFacesCommand({ CollectionId: 'people', UserId: 'ana', FaceIds: [ids.ana2!] }),
    );
    assert.deepEqual(r.DisassociatedFaces, [{ FaceId: ids.ana2 }]);
    await rk.send(new DeleteUserCommand({ CollectionId: 'people', UserId: 'ana' }));
    const list = await rk.send(new ListUsersCommand({ CollectionId: 'people' }));
    assert.deepEqual(list.Users, []);
  });
});

describe('deleting', () => {
  test('DeleteFaces reports deleted and not-found faces', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const r = await rk.send(new DeleteFacesCommand({ CollectionId: 'people', FaceIds: [ids.bo!, missing] }));
    assert.deepEqual(r.DeletedFaces, [ids.bo]);
    assert.deepEqual(r.UnsuccessfulFaceDeletions, [{ FaceId: missing, Reasons: ['FACE_NOT_FOUND'] }]);
  });

  test('DeleteCollection removes it; describing it then is ResourceNotFoundException', async () => {
    const r = await rk.send(new DeleteCollectionCommand({ CollectionId: 'people' }));
    assert.equal(r.StatusCode, 200);
    const e = await sdkError(rk.send(new DescribeCollectionCommand({ CollectionId: 'people' })));
    assert.equal(e.name, 'ResourceNotFoundException');
    const again = await sdkError(rk.send(new DeleteCollectionCommand({ CollectionId: 'people' })));
    assert.equal(again.name, 'ResourceNotFoundException');
  });
});
