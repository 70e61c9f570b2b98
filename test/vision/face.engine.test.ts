import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { FacegateError } from '../../src/errors.ts';
import { createFaceEngine, type LocalFaceEngine } from '../../src/vision/face.engine.ts';
import type { DetectedFace, EmotionType } from '../../src/vision/vision.types.ts';
import { GROUP_PORTRAITS, composedGroupPhoto, FACE_MODELS, fixtureBytes, visionRuntime } from './vision.helper.ts';

const MODELS = [...FACE_MODELS, 'mobilefacenet', 'centernet', 'nsfw', 'faceapi-ssd', 'faceapi-landmarks'];
let engine: LocalFaceEngine;

before(async () => {
  const runtime = await visionRuntime(MODELS);
  engine = await createFaceEngine(loadConfig({}), createLogger('silent'), { runtime });
  await engine.ready();
});
after(() => engine.close());

const analyze = async (name: string, options: Parameters<LocalFaceEngine['analyze']>[1] = {}) =>
  engine.analyze(await fixtureBytes(name), options);

const inUnit = (v: number) => v >= 0 && v <= 1;
const inPct = (v: number) => v >= 0 && v <= 100;

function assertDefaultShape(f: DetectedFace): void {
  const { left, top, width, height } = f.box;
  assert.ok([left, top, width, height].every(inUnit) && left + width <= 1 + 1e-9 && top + height <= 1 + 1e-9);
  assert.ok(inPct(f.confidence) && f.confidence > 90, `confidence ${f.confidence}`);
  assert.equal(f.landmarks.length, 30);
  assert.ok(f.landmarks.every((l) => inUnit(l.x) && inUnit(l.y)));
  assert.ok([f.pose.roll, f.pose.yaw, f.pose.pitch].every((a) => Math.abs(a) <= 180));
  assert.ok(inPct(f.quality.brightness) && inPct(f.quality.sharpness));
  assert.ok(f.widthPx > 0 && f.heightPx > 0);
}

describe('FaceEngine.analyze: detection', () => {
  test('finds one face in grace_hopper and identity, with the DEFAULT fields in range and nothing else', async () => {
    for (const name of ['grace_hopper_512x512.jpg', 'identity.jpg']) {
      const { image, faces } = await analyze(name);
      assert.equal(faces.length, 1, name);
      assertDefaultShape(faces[0]!);
      assert.equal(faces[0]!.attributes, undefined);
      assert.equal(faces[0]!.descriptor, undefined);
      assert.equal(image.format, 'jpeg');
    }
  });

  test('finds no face in coffee.png or chelsea.png', async () => {
    assert.equal((await analyze('coffee.png')).faces.length, 0);
    assert.equal((await analyze('chelsea.png')).faces.length, 0);
  });

  test('finds every face of the composed group photo, largest first, and honours maxFaces', async () => {
    const bytes = await composedGroupPhoto();
    const all = await engine.analyze(bytes);
    assert.equal(all.faces.length, GROUP_PORTRAITS.length);
    const areas = all.faces.map((f) => f.box.width * f.box.height);
    assert.deepEqual(
      areas,
      [...areas].sort((a, b) => b - a),
    );
    const two = await engine.analyze(bytes, { maxFaces: 2 });
    assert.deepEqual(
      two.faces.map((f) => f.box),
      all.faces.slice(0, 2).map((f) => f.box),
    );
  });

  test('reports pixel sizes of the original image although detection runs on a smaller working copy', async () => {
    const { image, faces } = await analyze('cellphone.jpg');
    assert.deepEqual([image.width, image.height], [1920, 1080]);
    const f = faces[0]!;
    assert.ok(Math.abs(f.widthPx - f.box.width * 1920) < 2, `${f.widthPx} vs ${f.box.width * 1920}`);
  });

  test('finds a face turned by 90° in the image plane, and reports the roll', async () => {
    const turned = await sharp(await fixtureBytes('identity.jpg'))
      .rotate(90)
      .jpeg()
      .toBuffer();
    const { faces } = await engine.analyze(turned);
    assert.equal(faces.length, 1);
    assert.ok(Math.abs(Math.abs(faces[0]!.pose.roll) - 90) < 15, `roll ${faces[0]!.pose.roll}`);
  });

  test('refuses a bad image with a typed error', async () => {
    await assert.rejects(
      engine.analyze(Buffer.from('not an image')),
      (e: unknown) => e instanceof FacegateError && e.code === 'INVALID_IMAGE_FORMAT',
    );
  });

  test('gives the same answers to concurrent calls as to sequential ones', async () => {
    const names = ['identity.jpg', 'grace_hopper_512x512.jpg', 'photo1.jpeg'];
    const sequential = [];
    for (const n of names) sequential.push(await analyze(n, { descriptors: true }));
    const concurrent = await Promise.all(names.map((n) => analyze(n, { descriptors: true })));
    assert.deepEqual(concurrent, sequential);
  });
});

describe('FaceEngine.analyze: pose and quality', () => {
  test('pitch is positive looking up (photo4), negative looking down (photo5); yaw negative turned to the image left (photo7)', async () => {
    assert.ok((await analyze('photo4.jpeg')).faces[0]!.pose.pitch > 15);
    assert.ok((await analyze('photo5.jpeg')).faces[0]!.pose.pitch < -10);
    assert.ok((await analyze('photo7.jpeg')).faces[0]!.pose.yaw < -25);
    const frontal = (await analyze('photo1.jpeg')).faces[0]!.pose;
    assert.ok(Math.abs(frontal.yaw) < 10 && Math.abs(frontal.pitch) < 10 && Math.abs(frontal.roll) < 10);
  });

  test('a full profile (photo6) is reported with yaw +90, rough landmarks, quality, and no descriptor or attributes', async () => {
    const { faces } = await analyze('photo6.jpeg', { descriptors: true, attributes: true, liveness: true });
    assert.equal(faces.length, 1);
    const f = faces[0]!;
    assert.equal(f.profile, true);
    assert.deepEqual(f.pose, { yaw: 90, pitch: 0, roll: 0 });
    assert.ok(f.confidence >= 50 && f.confidence <= 100, `confidence ${f.confidence}`);
    assert.equal(f.landmarks.length, 30);
    assert.ok(f.landmarks.every((l) => l.x >= 0 && l.x <= 1 && l.y >= 0 && l.y <= 1));
    assert.ok(f.quality.brightness > 0 && f.quality.sharpness > 0);
    assert.equal(f.descriptor, undefined);
    assert.equal(f.attributes, undefined);
    assert.equal(f.liveness, undefined);
  });

  test('a blurred copy is less sharp and a dark photo is less bright', async () => {
    const bytes = await fixtureBytes('photo1.jpeg');
    const sharp0 = (await engine.analyze(bytes)).faces[0]!.quality;
    const blurred = await sharp(bytes).blur(3).jpeg().toBuffer();
    const sharp1 = (await engine.analyze(blurred)).faces[0]!.quality;
    assert.ok(sharp0.sharpness - sharp1.sharpness > 20, `${sharp0.sharpness} → ${sharp1.sharpness}`);
    const dark = (await analyze('photo12.jpeg')).faces[0]!.quality;
    assert.ok(dark.brightness < sharp0.brightness / 2, `${dark.brightness} vs ${sharp0.brightness}`);
  });
});

describe('FaceEngine.analyze: attributes, liveness, descriptors', () => {
  test('ALL attributes are present with valid ranges', async () => {
    const { faces } = await analyze('astronaut.png', { attributes: true, liveness: true });
    const a = faces[0]!.attributes!;
    assert.ok(a.ageRange.low >= 0 && a.ageRange.low < a.ageRange.high && a.ageRange.high <= 100);
    assert.ok(['Male', 'Female'].includes(a.gender.value) && inPct(a.gender.confidence));
    const types: EmotionType[] = ['HAPPY', 'SAD', 'ANGRY', 'CONFUSED', 'DISGUSTED', 'SURPRISED', 'CALM', 'FEAR'];
    assert.deepEqual(a.emotions.map((e) => e.type).sort(), [...types].sort());
    const total = a.emotions.reduce((s, e) => s + e.confidence, 0);
    assert.ok(Math.abs(total - 100) < 1, `emotions sum to ${total}`);
    for (const f of [
      a.smile,
      a.eyesOpen,
      a.mouthOpen,
      a.eyeglasses,
      a.sunglasses,
      a.beard,
      a.mustache,
      a.faceOccluded,
    ]) {
      assert.equal(typeof f.value, 'boolean');
      assert.ok(f.confidence >= 50 && f.confidence <= 100);
    }
    assert.ok(
      Math.abs(a.eyeDirection.yaw) <= 90 && Math.abs(a.eyeDirection.pitch) <= 90 && inPct(a.eyeDirection.confidence),
    );
    assert.ok(inPct(faces[0]!.liveness!));
  });

  test('reads the obvious attributes of the fixture portraits', async () => {
    const astronaut = (await analyze('astronaut.png', { attributes: true })).faces[0]!.attributes!;
    assert.equal(astronaut.emotions[0]!.type, 'HAPPY');
    assert.equal(astronaut.smile.value, true);
    assert.equal(astronaut.gender.value, 'Female');
    assert.equal(astronaut.eyesOpen.value, true);
    // photo10: the dark-lens frontal face of AWS's best-practices photos (the Step Functions workshop's sunglasses
    // branch): Sunglasses true and confident, Eyeglasses consistent with it.
    const sun = (await analyze('photo10.jpeg', { attributes: true })).faces[0]!.attributes!;
    assert.equal(sun.sunglasses.value, true);
    assert.ok(sun.sunglasses.confidence >= 90, `sunglasses ${sun.sunglasses.confidence}`);
    assert.deepEqual(sun.eyeglasses, sun.sunglasses);
    // photo11: clear glasses under a cap's brim: eyeglasses, not sunglasses.
    const cap = (await analyze('photo11.jpeg', { attributes: true })).faces[0]!.attributes!;
    assert.deepEqual([cap.eyeglasses.value, cap.sunglasses.value], [true, false]);
    const glasses = (await analyze('photo1.jpeg', { attributes: true })).faces[0]!.attributes!;
    assert.deepEqual([glasses.eyeglasses.value, glasses.sunglasses.value, glasses.beard.value], [true, false, false]);
    const goatee = (await analyze('identity.jpg', { attributes: true })).faces[0]!.attributes!;
    assert.deepEqual([goatee.beard.value, goatee.mustache.value, goatee.eyeglasses.value], [true, true, false]);
  });

  test('descriptors are unit length and the same person scores above 80, different people below', async () => {
    const a = (await analyze('identity.jpg', { descriptors: true })).faces[0]!.descriptor!;
    const b = (await analyze('looking_at_screen.jpg', { descriptors: true })).faces[0]!.descriptor!;
    const c = (await analyze('grace_hopper_512x512.jpg', { descriptors: true })).faces[0]!.descriptor!;
    assert.equal(a.length, engine.descriptorSize);
    assert.ok(Math.abs(Math.hypot(...a) - 1) < 1e-4);
    assert.ok(engine.similarity(a, b) >= 80, `same person: ${engine.similarity(a, b)}`);
    assert.ok(engine.similarity(a, c) < 50, `different people: ${engine.similarity(a, c)}`);
    assert.equal(engine.similarity(a, a), 100);
    assert.ok(engine.faceModelVersion.length > 0);
  });
});

describe('FaceEngine.labels and moderation', () => {
  test('flags nothing in ordinary photos', async () => {
    for (const name of ['coffee.png', 'identity.jpg']) {
      assert.deepEqual(await engine.moderation(await fixtureBytes(name)), [], name);
    }
    assert.ok(engine.moderationModelVersion.length > 0 && engine.labelModelVersion.length > 0);
  });

  test('finds a phone and a person in cellphone.jpg', async () => {
    const labels = await engine.labels(await fixtureBytes('cellphone.jpg'));
    const names = labels.map((l) => l.name);
    assert.ok(names.includes('Person'), names.join(', '));
    assert.ok(names.includes('Cell Phone') || names.includes('Mobile Phone'), names.join(', '));
  });
});
