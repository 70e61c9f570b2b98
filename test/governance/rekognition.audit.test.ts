// Every biometric Rekognition operation writes exactly one audit entry through the real server and the AWS SDK,
// with the SigV4 access key as the actor; the others write none.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  AssociateFacesCommand,
  CompareFacesCommand,
  CreateCollectionCommand,
  CreateUserCommand,
  CreateFaceLivenessSessionCommand,
  GetFaceLivenessSessionResultsCommand,
  DeleteCollectionCommand,
  DeleteFacesCommand,
  DeleteUserCommand,
  DescribeCollectionCommand,
  DetectFacesCommand,
  DisassociateFacesCommand,
  IndexFacesCommand,
  ListFacesCommand,
  ListUsersCommand,
  SearchFacesByImageCommand,
  SearchFacesCommand,
  SearchUsersByImageCommand,
  SearchUsersCommand,
  type RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { AUDITED_OPERATIONS } from '../../src/api/rekognition/rekognition.audit.ts';
import type { AuditService } from '../../src/governance/audit.service.ts';
import { KEY, startServer, type Harness } from '../api/rekognition/rekognition.harness.ts';
import { scene, stubEngine } from '../api/rekognition/stub.engine.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
let h: Harness;
let rk: RekognitionClient;
let audit: AuditService;
before(async () => {
  h = await startServer({ overrides: { engine: stubEngine } });
  rk = h.client();
  audit = (await h.container.get('governance')).audit;
});
after(() => h.close());

const exercised = new Set<string>();
const count = async () => (await audit.list({ limit: 10_000 })).length;

/** Runs one command and returns the one entry it wrote. */
async function once<T>(op: string, send: () => Promise<T>) {
  const before = await count();
  const out = await send();
  const entries = await audit.list({ afterSeq: before, limit: 10 });
  assert.equal(entries.length, 1, `${op} wrote ${entries.length} entries`);
  const e = entries[0]!;
  assert.deepEqual(
    [e.api, e.operation, e.actorKind, e.actorId, e.address],
    ['rekognition', op, 'sigv4', KEY.accessKeyId, '127.0.0.1'],
  );
  exercised.add(op);
  return { out, e };
}

describe('Rekognition audit', () => {
  test('each biometric operation writes one entry; the others none', async () => {
    const C = 'audited';
    const silent = async (send: () => Promise<unknown>) => {
      const n = await count();
      await send();
      assert.equal(await count(), n);
    };
    await silent(() => rk.send(new CreateCollectionCommand({ CollectionId: C })));
    const ana = await once('IndexFaces', () =>
      rk.send(new IndexFacesCommand({ CollectionId: C, Image: { Bytes: scene(1) }, ExternalImageId: 'ana' })),
    );
    const faceA = ana.out.FaceRecords![0]!.Face!.FaceId!;
    assert.deepEqual(ana.e.personal, {
      images: [sha(scene(1))],
      faceIds: [faceA],
      personIds: [],
      externalImageIds: ['ana'],
      userIds: [],
    });
    assert.equal(ana.e.collectionId, C);

    // An image read from the object store is hashed as well.
    await (await h.container.get('objects')).put('photos', 'bo.png', scene(5));
    const bo = await once('IndexFaces', () =>
      rk.send(new IndexFacesCommand({ CollectionId: C, Image: { S3Object: { Bucket: 'photos', Name: 'bo.png' } } })),
    );
    assert.deepEqual(bo.e.personal?.images, [sha(scene(5))]);
    const faceBo = bo.out.FaceRecords![0]!.Face!.FaceId!;

    await silent(() => rk.send(new CreateUserCommand({ CollectionId: C, UserId: 'u1' })));
    await once('AssociateFaces', () =>
      rk.send(new AssociateFacesCommand({ CollectionId: C, UserId: 'u1', FaceIds: [faceA] })),
    );
    const s = await once('SearchFaces', () =>
      rk.send(new SearchFacesCommand({ CollectionId: C, FaceId: faceBo, FaceMatchThreshold: 0 })),
    );
    assert.ok(s.e.personal?.faceIds.includes(faceA));
    const byImage = await once('SearchFacesByImage', () =>
      rk.send(new SearchFacesByImageCommand({ CollectionId: C, Image: { Bytes: scene(1) } })),
    );
    assert.equal(byImage.e.decision, 'matched');
    assert.equal(byImage.e.similarity, byImage.out.FaceMatches![0]!.Similarity);
    assert.deepEqual(byImage.e.personal?.externalImageIds, ['ana']);
    await once('SearchUsers', () => rk.send(new SearchUsersCommand({ CollectionId: C, FaceId: faceA })));
    const users = await once('SearchUsersByImage', () =>
      rk.send(new SearchUsersByImageCommand({ CollectionId: C, Image: { Bytes: scene(1) } })),
    );
    assert.deepEqual(users.e.personal?.userIds, ['u1']);
    const cmp = await once('CompareFaces', () =>
      rk.send(new CompareFacesCommand({ SourceImage: { Bytes: scene(1) }, TargetImage: { Bytes: scene(2) } })),
    );
    assert.deepEqual(cmp.e.personal?.images, [sha(scene(1)), sha(scene(2))]);
    assert.equal(cmp.e.decision, 'matched');
    const det = await once('DetectFaces', () => rk.send(new DetectFacesCommand({ Image: { Bytes: scene(2) } })));
    assert.equal(det.e.decision, '2 faces');
    const { SessionId } = await rk.send(new CreateFaceLivenessSessionCommand({}));
    const live = await once('GetFaceLivenessSessionResults', () =>
      rk.send(new GetFaceLivenessSessionResultsCommand({ SessionId })),
    );
    assert.equal(live.e.decision, 'CREATED');
    await silent(() => rk.send(new ListFacesCommand({ CollectionId: C })));
    await silent(() => rk.send(new ListUsersCommand({ CollectionId: C })));
    await silent(() => rk.send(new DescribeCollectionCommand({ CollectionId: C })));
    await once('DisassociateFaces', () =>
      rk.send(new DisassociateFacesCommand({ CollectionId: C, UserId: 'u1', FaceIds: [faceA] })),
    );
    await once('DeleteFaces', () => rk.send(new DeleteFacesCommand({ CollectionId: C, FaceIds: [faceBo] })));
    await once('DeleteUser', () => rk.send(new DeleteUserCommand({ CollectionId: C, UserId: 'u1' })));
    await once('DeleteCollection', () => rk.send(new DeleteCollectionCommand({ CollectionId: C })));
  });

  test('a refused operation is recorded with its error code', async () => {
    const { e } = await once('SearchFacesByImage', () =>
      rk
        .send(new SearchFacesByImageCommand({ CollectionId: 'missing', Image: { Bytes: scene(1) } }))
        .catch((x: Error) => x),
    );
    assert.equal(e.outcome, 'NOT_FOUND');
  });

  test('every audited operation was exercised, and the chain verifies', async () => {
    assert.deepEqual([...exercised].sort(), Object.keys(AUDITED_OPERATIONS).sort());
    assert.equal((await audit.verify()).ok, true);
  });
});
