// Collections on the real FaceEngine (the product detector + descriptor, prepared ONNX models) and the real embedded store:
// the same person is found across photos, other people are not, and a photo without a face is handled as Rekognition does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openCollections, type OpenedCollections } from '../../src/collections/collection.factory.ts';
import { createFaceEngine, type LocalFaceEngine } from '../../src/vision/face.engine.ts';
import { FACE_MODELS, fixtureBytes, visionRuntime } from '../vision/vision.helper.ts';
import { withCode } from './harness.ts';

const MODELS = [...FACE_MODELS, 'faceapi-ssd', 'faceapi-landmarks'];
let engine: LocalFaceEngine;
let store: OpenedCollections;
let dir: string;
const image = async (name: string) => ({ bytes: new Uint8Array(await fixtureBytes(name)) });

before(async () => {
  const runtime = await visionRuntime(MODELS);
  engine = await createFaceEngine(loadConfig({}), createLogger('silent'), { runtime });
  await engine.ready();
  dir = await mkdtemp(join(tmpdir(), 'facegate-real-'));
  store = await openCollections({
    config: { dataDir: dir, collections: { synchronous: 'FULL', vectorFormat: 'int8' } },
    engine,
    logger: createLogger('silent'),
  });
});
after(async () => {
  await store?.close();
  await engine?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('collections with the real engine', () => {
  const faceOf: Record<string, string> = {};

  test('IndexFaces stores one face per portrait with the engine model version', async () => {
    const svc = store.service;
    await svc.createCollection({ collectionId: 'real' });
    for (const name of ['identity.jpg', 'dani_640.jpg', 'grace_hopper_512x512.jpg', 'photo1.jpeg', 'photo3.jpeg']) {
      const r = await svc.indexFaces({ collectionId: 'real', image: await image(name), externalImageId: name });
      assert.equal(r.faceRecords.length, 1, name);
      assert.equal(r.faceRecords[0]!.face.indexFacesModelVersion, engine.faceModelVersion);
      faceOf[name] = r.faceRecords[0]!.face.faceId;
    }
    const d = await svc.describeCollection('real');
    assert.equal(d.faceCount, 5);
    assert.equal(d.faceModelVersion, engine.faceModelVersion);
  });

  test('SearchFacesByImage finds the same person in another photo, first and above the default threshold', async () => {
    for (const [probe, indexed] of [
      ['looking_at_screen.jpg', 'identity.jpg'],
      ['dani_1_640.jpg', 'dani_640.jpg'],
      ['dani_2_640.jpg', 'dani_640.jpg'],
    ] as const) {
      const r = await store.service.searchFacesByImage({ collectionId: 'real', image: await image(probe) });
      assert.ok(r.faceMatches.length >= 1, `${probe}: no match`);
      assert.equal(r.faceMatches[0]!.face.externalImageId, indexed, probe);
      assert.ok(
        r.faceMatches.every((m) => m.face.externalImageId === indexed),
        `${probe}: only the same person`,
      );
    }
  });

  test('a person who is not in the collection matches nobody at the default threshold', async () => {
    const r = await store.service.searchFacesByImage({ collectionId: 'real', image: await image('astronaut.png') });
    assert.deepEqual(r.faceMatches, []);
  });

  test('a photo without a face: SearchFacesByImage is NO_FACE, SearchUsersByImage is empty, IndexFaces stores none', async () => {
    await assert.rejects(
      async () => store.service.searchFacesByImage({ collectionId: 'real', image: await image('coffee.png') }),
      withCode('NO_FACE'),
    );
    const users = await store.service.searchUsersByImage({ collectionId: 'real', image: await image('chelsea.png') });
    assert.deepEqual(users.userMatches, []);
    const indexed = await store.service.indexFaces({ collectionId: 'real', image: await image('coffee.png') });
    assert.equal(indexed.faceRecords.length, 0);
  });

  test('QualityFilter on real faces: AUTO keeps a profile, HIGH refuses it with its reasons', async () => {
    const svc = store.service;
    await svc.createCollection({ collectionId: 'quality' });
    const high = await svc.indexFaces({
      collectionId: 'quality',
      image: await image('photo7.jpeg'),
      qualityFilter: 'HIGH',
    });
    assert.equal(high.faceRecords.length, 0);
    assert.ok(high.unindexedFaces[0]?.reasons.includes('EXTREME_POSE'));
    const auto = await svc.indexFaces({ collectionId: 'quality', image: await image('photo7.jpeg') });
    assert.equal(auto.faceRecords.length, 1);
    const medium = await svc.indexFaces({
      collectionId: 'quality',
      image: await image('photo12.jpeg'),
      qualityFilter: 'MEDIUM',
    });
    assert.deepEqual(medium.unindexedFaces[0]?.reasons, ['LOW_BRIGHTNESS']);
  });

  test('a full profile (photo6) is not indexed: UnindexedFaces gives EXTREME_POSE, under AUTO and NONE alike', async () => {
    const svc = store.service;
    await svc.createCollection({ collectionId: 'profiles' });
    for (const qualityFilter of ['AUTO', 'NONE'] as const) {
      const r = await svc.indexFaces({ collectionId: 'profiles', image: await image('photo6.jpeg'), qualityFilter });
      assert.equal(r.faceRecords.length, 0, qualityFilter);
      assert.equal(r.unindexedFaces.length, 1, qualityFilter);
      assert.deepEqual(r.unindexedFaces[0]!.reasons, ['EXTREME_POSE'], qualityFilter);
      assert.equal(r.unindexedFaces[0]!.faceDetail.pose.yaw, 90);
    }
    await assert.rejects(
      svc.searchFacesByImage({ collectionId: 'profiles', image: await image('photo6.jpeg') }),
      withCode('NO_FACE'),
    );
  });

  test('a user built from one photo is found from another; a stranger’s face does not join it', async () => {
    const svc = store.service;
    await svc.createUser({ collectionId: 'real', userId: 'dani' });
    await svc.associateFaces({ collectionId: 'real', userId: 'dani', faceIds: [faceOf['dani_640.jpg']!] });
    const stranger = await svc.associateFaces({
      collectionId: 'real',
      userId: 'dani',
      faceIds: [faceOf['photo1.jpeg']!],
    });
    assert.deepEqual(stranger.unsuccessfulFaceAssociations[0]?.reasons, ['LOW_MATCH_CONFIDENCE']);
    const r = await svc.searchUsersByImage({ collectionId: 'real', image: await image('dani_2_640.jpg') });
    assert.deepEqual(
      r.userMatches.map((m) => m.user.userId),
      ['dani'],
    );
  });
});
