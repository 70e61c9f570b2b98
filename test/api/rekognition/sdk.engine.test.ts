// End to end through the real AWS SDK over HTTP with the real engine (models from the prepared cache) and the real
// collection store in a temp data dir: what a user's Rekognition code sees. One server for the file (models load once).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  CompareFacesCommand,
  CreateCollectionCommand,
  DeleteCollectionCommand,
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  AssociateFacesCommand,
  CreateUserCommand,
  IndexFacesCommand,
  ListFacesCommand,
  SearchFacesByImageCommand,
  SearchUsersByImageCommand,
  type RekognitionClient,
  type RekognitionServiceException,
} from '@aws-sdk/client-rekognition';
import { CATALOG } from '../../../src/vision/models/model.catalog.ts';
import { preparedRuntime } from '../../helpers/models.helper.ts';
import { startServer, type Harness } from './rekognition.harness.ts';

const FIXTURES = new URL('../../fixtures/images/', import.meta.url);
const bytes = async (name: string) => ({ Bytes: new Uint8Array(await readFile(new URL(name, FIXTURES))) });

let h: Harness;
let rk: RekognitionClient;
before(async () => {
  // Models come from the cache `facegate models prepare` fills; prepare whatever is missing (fails loudly if one cannot be).
  await (await preparedRuntime(CATALOG.map((e) => e.name))).close();
  h = await startServer();
  await h.container.get('engine');
  rk = h.client();
});
after(() => h?.close());

async function sdkError(p: Promise<unknown>): Promise<RekognitionServiceException> {
  try {
    await p;
  } catch (e) {
    return e as RekognitionServiceException;
  }
  assert.fail('expected the call to fail');
}

const inUnit = (v: number | undefined) => typeof v === 'number' && v >= 0 && v <= 1;

describe('the real engine through the AWS SDK', () => {
  test('readyz is 200 once the models are loaded', async () => {
    const r = await fetch(`${h.url}/readyz`);
    assert.equal(r.status, 200);
  });

  test('DetectFaces finds one face in a portrait with ratio boxes, landmarks, pose and quality', async () => {
    const r = await rk.send(new DetectFacesCommand({ Image: await bytes('identity.jpg') }));
    assert.equal(r.FaceDetails?.length, 1);
    const d = r.FaceDetails![0]!;
    const b = d.BoundingBox!;
    assert.ok([b.Left, b.Top, b.Width, b.Height].every(inUnit), JSON.stringify(b));
    assert.ok((d.Landmarks?.length ?? 0) >= 5);
    assert.ok(d.Landmarks!.some((l) => l.Type === 'eyeLeft'));
    assert.ok(d.Confidence! > 50 && d.Confidence! <= 100);
    assert.equal(typeof d.Pose?.Yaw, 'number');
    assert.ok(d.Quality!.Sharpness! >= 0 && d.Quality!.Sharpness! <= 100);
    assert.equal(d.AgeRange, undefined);
  });

  test('DetectFaces ALL adds every attribute with the right types', async () => {
    const r = await rk.send(
      new DetectFacesCommand({ Image: await bytes('grace_hopper_512x512.jpg'), Attributes: ['ALL'] }),
    );
    const d = r.FaceDetails![0]!;
    assert.ok(d.AgeRange!.Low! <= d.AgeRange!.High!);
    assert.ok(['Male', 'Female'].includes(d.Gender!.Value!));
    assert.ok(
      d.Emotions!.length > 0 &&
        d.Emotions!.every((e) => typeof e.Type === 'string' && typeof e.Confidence === 'number'),
    );
    for (const k of [
      'Smile',
      'EyesOpen',
      'MouthOpen',
      'Eyeglasses',
      'Sunglasses',
      'Beard',
      'Mustache',
      'FaceOccluded',
    ] as const) {
      assert.equal(typeof d[k]?.Value, 'boolean', k);
      assert.equal(typeof d[k]?.Confidence, 'number', k);
    }
    assert.equal(typeof d.EyeDirection?.Yaw, 'number');
  });

  test('DetectFaces on a picture without a face returns no faces', async () => {
    const r = await rk.send(new DetectFacesCommand({ Image: await bytes('coffee.png') }));
    assert.deepEqual(r.FaceDetails, []);
  });

  test('garbage bytes are InvalidImageFormatException', async () => {
    const e = await sdkError(
      rk.send(new DetectFacesCommand({ Image: { Bytes: new TextEncoder().encode('not an image at all') } })),
    );
    assert.equal(e.name, 'InvalidImageFormatException');
  });

  test('CompareFaces matches the same person and not a different one', async () => {
    const same = await rk.send(
      new CompareFacesCommand({
        SourceImage: await bytes('identity.jpg'),
        TargetImage: await bytes('looking_at_screen.jpg'),
      }),
    );
    assert.equal(same.FaceMatches?.length, 1, JSON.stringify(same.UnmatchedFaces?.length));
    assert.ok(same.FaceMatches![0]!.Similarity! >= 80);
    const other = await rk.send(
      new CompareFacesCommand({
        SourceImage: await bytes('identity.jpg'),
        TargetImage: await bytes('grace_hopper_512x512.jpg'),
      }),
    );
    assert.deepEqual(other.FaceMatches, []);
    assert.equal(other.UnmatchedFaces?.length, 1);
  });

  test('CompareFaces with no face in the source is InvalidParameterException', async () => {
    const e = await sdkError(
      rk.send(
        new CompareFacesCommand({ SourceImage: await bytes('coffee.png'), TargetImage: await bytes('identity.jpg') }),
      ),
    );
    assert.equal(e.name, 'InvalidParameterException');
  });

  test('DetectLabels sees a person and a phone', async () => {
    const r = await rk.send(new DetectLabelsCommand({ Image: await bytes('cellphone.jpg') }));
    const names = r.Labels?.map((l) => l.Name) ?? [];
    assert.ok(names.includes('Person'), names.join(', '));
    assert.ok(
      names.some((n) => n === 'Mobile Phone' || n === 'Cell Phone'),
      names.join(', '),
    );
    assert.equal(typeof r.LabelModelVersion, 'string');
    assert.ok(r.Labels!.every((l) => l.Confidence! >= 55));
  });

  test('DetectModerationLabels answers with a list and the model version', async () => {
    const r = await rk.send(new DetectModerationLabelsCommand({ Image: await bytes('identity.jpg') }));
    assert.ok(Array.isArray(r.ModerationLabels));
    assert.equal(typeof r.ModerationModelVersion, 'string');
  });

  test('index two people, then SearchFacesByImage finds the right one', async () => {
    await rk.send(new CreateCollectionCommand({ CollectionId: 'e2e' }));
    const a = await rk.send(
      new IndexFacesCommand({ CollectionId: 'e2e', Image: await bytes('identity.jpg'), ExternalImageId: 'identity' }),
    );
    assert.equal(a.FaceRecords?.length, 1);
    await rk.send(
      new IndexFacesCommand({
        CollectionId: 'e2e',
        Image: await bytes('grace_hopper_512x512.jpg'),
        ExternalImageId: 'grace',
      }),
    );
    const r = await rk.send(
      new SearchFacesByImageCommand({ CollectionId: 'e2e', Image: await bytes('looking_at_screen.jpg') }),
    );
    assert.deepEqual(
      r.FaceMatches?.map((m) => m.Face?.ExternalImageId),
      ['identity'],
    );
    const none = await sdkError(
      rk.send(new SearchFacesByImageCommand({ CollectionId: 'e2e', Image: await bytes('coffee.png') })),
    );
    assert.equal(none.name, 'InvalidParameterException');
    await rk.send(new DeleteCollectionCommand({ CollectionId: 'e2e' }));
  });

  test('a user made of two photos of one person is found from a third photo, and not from someone else', async () => {
    await rk.send(new CreateCollectionCommand({ CollectionId: 'e2e-users' }));
    const faceIds: string[] = [];
    for (const name of ['dani_1_640.jpg', 'dani_2_640.jpg']) {
      const r = await rk.send(
        new IndexFacesCommand({ CollectionId: 'e2e-users', Image: await bytes(name), DetectionAttributes: ['ALL'] }),
      );
      assert.equal(r.FaceRecords?.length, 1, name);
      assert.equal(typeof r.FaceRecords![0]!.FaceDetail?.AgeRange?.Low, 'number', 'ALL attributes on IndexFaces');
      faceIds.push(r.FaceRecords![0]!.Face!.FaceId!);
    }
    await rk.send(new CreateUserCommand({ CollectionId: 'e2e-users', UserId: 'dani' }));
    const assoc = await rk.send(
      new AssociateFacesCommand({ CollectionId: 'e2e-users', UserId: 'dani', FaceIds: faceIds }),
    );
    assert.equal(assoc.AssociatedFaces?.length, 2, JSON.stringify(assoc.UnsuccessfulFaceAssociations));
    const listed = await rk.send(new ListFacesCommand({ CollectionId: 'e2e-users', UserId: 'dani' }));
    assert.equal(listed.Faces?.length, 2);
    const found = await rk.send(
      new SearchUsersByImageCommand({ CollectionId: 'e2e-users', Image: await bytes('dani_640.jpg') }),
    );
    assert.equal(found.UserMatches?.[0]?.User?.UserId, 'dani');
    assert.ok(found.UserMatches![0]!.Similarity! >= 80);
    const stranger = await rk.send(
      new SearchUsersByImageCommand({ CollectionId: 'e2e-users', Image: await bytes('grace_hopper_512x512.jpg') }),
    );
    assert.deepEqual(stranger.UserMatches, []);
    await rk.send(new DeleteCollectionCommand({ CollectionId: 'e2e-users' }));
  });
});
