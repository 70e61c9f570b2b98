// Face Liveness through @aws-sdk/client-rekognition on a real server with the real engine: create a session, post
// a selfie sequence built from fixture photos (frontal, turned one way, turned the other: a photo and its mirror
// image, since mirroring flips the yaw), read the results. A clock injected into the service drives expiry and the
// lockout window; nothing waits on time. The server believes X-Forwarded-For from loopback (FACEGATE_TRUST_PROXY),
// so that requests can come from several client addresses.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import {
  CreateFaceLivenessSessionCommand,
  GetFaceLivenessSessionResultsCommand,
  type RekognitionClient,
  type RekognitionServiceException,
} from '@aws-sdk/client-rekognition';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createFaceEngine, type LocalFaceEngine } from '../../src/vision/face.engine.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { EXPIRY_MS, LivenessService, RESULT_KEEP_MS } from '../../src/liveness/liveness.service.ts';
import { LOCKOUT_WINDOW_MS } from '../../src/liveness/liveness.lockout.ts';
import { SqliteLivenessStore } from '../../src/liveness/liveness.sqlite.driver.ts';
import { openSqliteFile } from '../../src/db/sqlite.database.ts';
import { preparedRuntime } from '../helpers/models.helper.ts';
import { startServer, type Harness } from '../api/rekognition/rekognition.harness.ts';

const FIXTURES = new URL('../fixtures/images/', import.meta.url);
let h: Harness;
let rk: RekognitionClient;
let engine: LocalFaceEngine;
let objects: LocalObjectStore;
let objectsDir: string;
let clock = Date.UTC(2026, 0, 1);

let frontal: Buffer;
let turnedA: Buffer;
let turnedB: Buffer;

before(async () => {
  const runtime = await preparedRuntime([
    'blazeface',
    'facemesh',
    'mobilefacenet',
    'antispoof',
    'liveness',
    'deeptree-antispoof',
  ]);
  engine = await createFaceEngine(loadConfig({}), createLogger('silent'), { runtime });
  objectsDir = mkdtempSync(join(tmpdir(), 'facegate-liveness-'));
  objects = new LocalObjectStore(objectsDir);
  const store = new SqliteLivenessStore(openSqliteFile(join(objectsDir, 'facegate.db')));
  const liveness = new LivenessService({
    engine,
    objects,
    store,
    now: () => clock,
    uuid: randomUUID,
    passConfidence: 50,
  });
  h = await startServer({ overrides: { engine, objects, liveness } }, { FACEGATE_TRUST_PROXY: 'loopback' });
  rk = h.client();
  // One person: dani_1_640 is frontal (yaw ≈ −8°), dani_640 turned (≈ −18°), its mirror turned the other way.
  frontal = await readFile(new URL('dani_1_640.jpg', FIXTURES));
  turnedA = await readFile(new URL('dani_640.jpg', FIXTURES));
  turnedB = await sharp(turnedA).flop().jpeg({ quality: 90 }).toBuffer();
});
after(async () => {
  await h?.close();
  await engine?.close();
  if (objectsDir) rmSync(objectsDir, { recursive: true, force: true });
});

async function sdkError(p: Promise<unknown>): Promise<RekognitionServiceException> {
  try {
    await p;
  } catch (e) {
    return e as RekognitionServiceException;
  }
  assert.fail('expected the call to fail');
}

/** `device` '' sends no device id; `from` is the client address a trusted proxy forwards. */
const post = (id: string, action: 'frames' | 'complete', body?: unknown, device = 'device-genuine-1', from?: string) =>
  fetch(`${h.url}/liveness/sessions/${id}/${action}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(device && { 'x-facegate-device': device }),
      ...(from && { 'x-forwarded-for': from }),
    },
    body: JSON.stringify(body ?? {}),
  });
const frame = (id: string, bytes: Buffer, device?: string, from?: string) =>
  post(id, 'frames', { image: bytes.toString('base64') }, device, from);
const create = async (input: ConstructorParameters<typeof CreateFaceLivenessSessionCommand>[0] = {}) =>
  (await rk.send(new CreateFaceLivenessSessionCommand(input))).SessionId!;
const results = (SessionId: string) => rk.send(new GetFaceLivenessSessionResultsCommand({ SessionId }));

describe('Face Liveness sessions on the Rekognition protocol', () => {
  test('a sequence that turns both ways SUCCEEDS, with reference and audit images in the bucket', async () => {
    const id = await create({
      Settings: { AuditImagesLimit: 2, OutputConfig: { S3Bucket: 'live-out', S3KeyPrefix: 'runs/' } },
    });
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal((await results(id)).Status, 'CREATED');
    const progress = [];
    for (const b of [frontal, turnedA, turnedB, frontal]) {
      const r = await frame(id, b);
      assert.equal(r.status, 200);
      progress.push(((await r.json()) as { challenge: { left: boolean; right: boolean; frontal: boolean } }).challenge);
    }
    assert.deepEqual(progress.at(-1), { left: true, right: true, frontal: true });
    assert.equal((await results(id)).Status, 'IN_PROGRESS');
    const done = await post(id, 'complete');
    assert.equal(done.status, 200);
    const r = await results(id);
    assert.equal(r.Status, 'SUCCEEDED');
    assert.ok(r.Confidence! > 0 && r.Confidence! <= 100, `confidence ${r.Confidence}`);
    assert.deepEqual(r.Challenge, { Type: 'FaceMovementChallenge', Version: '1.0.0' });
    const ref = r.ReferenceImage!;
    assert.equal(ref.Bytes, undefined);
    assert.deepEqual(ref.S3Object, { Bucket: 'live-out', Name: `runs/${id}/reference.jpg` });
    for (const v of [ref.BoundingBox!.Left, ref.BoundingBox!.Top, ref.BoundingBox!.Width, ref.BoundingBox!.Height])
      assert.ok(v! >= 0 && v! <= 1);
    // The reference is the most frontal frame.
    assert.deepEqual((await objects.get('live-out', `runs/${id}/reference.jpg`))!.body, new Uint8Array(frontal));
    assert.equal(r.AuditImages!.length, 2);
    for (const a of r.AuditImages!) assert.ok(await objects.head('live-out', a.S3Object!.Name!), a.S3Object!.Name);
    // The frames were copied out: none is left in the liveness bucket.
    assert.deepEqual((await objects.list('liveness', { prefix: `sessions/${id}/` })).objects, []);
  });

  test('single use: frames or a second completion after the end are refused; results stay readable', async () => {
    const id = await create();
    await frame(id, frontal);
    assert.equal((await post(id, 'complete')).status, 200);
    const again = await post(id, 'complete');
    assert.equal(again.status, 409);
    assert.equal(((await again.json()) as { code: string }).code, 'LIVENESS_SESSION_ENDED');
    assert.equal((await frame(id, frontal)).status, 409);
    assert.equal((await results(id)).Status, 'FAILED');
  });

  test('without OutputConfig the images come back as Bytes', async () => {
    const id = await create({ Settings: { AuditImagesLimit: 1 } });
    for (const b of [turnedA, frontal, turnedB]) assert.equal((await frame(id, b)).status, 200);
    await post(id, 'complete');
    const r = await results(id);
    assert.equal(r.Status, 'SUCCEEDED');
    assert.deepEqual(r.ReferenceImage!.Bytes, new Uint8Array(frontal));
    assert.equal(r.AuditImages!.length, 1);
    assert.ok(r.AuditImages![0]!.Bytes!.length > 1000);
    // The two frames returned inline are kept (until the session is deleted), the third is not.
    assert.equal((await objects.list('liveness', { prefix: `sessions/${id}/` })).objects.length, 2);
  });

  test('an hour after creation the sweep deletes a session with its images', async () => {
    const id = await create({ Settings: { AuditImagesLimit: 1 } });
    for (const b of [turnedA, frontal, turnedB]) assert.equal((await frame(id, b)).status, 200);
    await post(id, 'complete');
    const open = await create();
    assert.equal((await frame(open, frontal)).status, 200);
    const svc = await h.container.get('liveness');
    clock += EXPIRY_MS + 1;
    await svc.sweep();
    assert.equal((await results(open)).Status, 'EXPIRED');
    assert.deepEqual((await objects.list('liveness', { prefix: `sessions/${open}/` })).objects, [], 'expired frames');
    assert.equal((await results(id)).Status, 'SUCCEEDED');
    clock += RESULT_KEEP_MS;
    await svc.sweep();
    assert.equal((await sdkError(results(id))).name, 'SessionNotFoundException');
    assert.deepEqual((await objects.list('liveness', { prefix: `sessions/${id}/` })).objects, []);
  });

  test('a still photo repeated (no head movement) FAILS the challenge with Confidence 0', async () => {
    const id = await create();
    for (let i = 0; i < 4; i++) assert.equal((await frame(id, frontal, 'device-still-1')).status, 200);
    const done = (await (await post(id, 'complete', {}, 'device-still-1')).json()) as { reason: string };
    assert.match(done.reason, /did not turn both ways/);
    const r = await results(id);
    assert.equal(r.Status, 'FAILED');
    assert.equal(r.Confidence, 0);
  });

  test('turned photos of someone else after a frontal face FAIL (the face must stay the same person)', async () => {
    // photo3 (yaw ≈ −20°) and its mirror (≈ +20°) turn both ways, but show another person than dani_1_640.
    const other = await readFile(new URL('photo3.jpeg', FIXTURES));
    const otherMirror = await sharp(other).flop().jpeg({ quality: 90 }).toBuffer();
    const id = await create();
    for (const b of [frontal, other, otherMirror, frontal])
      assert.equal((await frame(id, b, 'device-swap-1')).status, 200);
    const done = (await (await post(id, 'complete', {}, 'device-swap-1')).json()) as { reason: string };
    assert.match(done.reason, /face changed/);
    assert.equal((await results(id)).Status, 'FAILED');
  });

  test('a session expires 3 minutes after creation', async () => {
    const id = await create();
    await frame(id, frontal);
    clock += EXPIRY_MS + 1;
    assert.equal((await results(id)).Status, 'EXPIRED');
    const late = await frame(id, frontal);
    assert.equal(late.status, 409);
    assert.equal(((await late.json()) as { code: string }).code, 'LIVENESS_SESSION_ENDED');
  });

  test('unknown or malformed ids and bad settings get the SDK error types', async () => {
    const e = await sdkError(results(randomUUID()));
    assert.equal(e.name, 'SessionNotFoundException');
    assert.equal((await sdkError(results('not-a-session'))).name, 'InvalidParameterException');
    const limit = await sdkError(create({ Settings: { AuditImagesLimit: 5 } }));
    assert.equal(limit.name, 'InvalidParameterException');
    assert.equal((await frame(randomUUID(), frontal)).status, 404);
  });

  test('REST apps create the same sessions and get the page to send the user to', async () => {
    const key = (await (await h.container.get('restKeys')).create({ name: 'liveness-test', role: 'admin' })).key;
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    const r = await fetch(`${h.url}/v1/liveness/sessions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ auditImagesLimit: 1, returnPath: '/door/front' }),
    });
    assert.equal(r.status, 201);
    const { sessionId, pageUrl } = (await r.json()) as { sessionId: string; pageUrl: string };
    assert.equal(pageUrl, `/liveness?session=${sessionId}&return=%2Fdoor%2Ffront`);
    assert.equal((await results(sessionId)).Status, 'CREATED');
    const page = await fetch(`${h.url}${pageUrl}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /\/console\/liveness\.js/);
    for (const b of [frontal, turnedA, turnedB]) await frame(sessionId, b);
    await post(sessionId, 'complete');
    const got = (await (await fetch(`${h.url}/v1/liveness/sessions/${sessionId}`, { headers })).json()) as {
      status: string;
      referenceImage: { bytes: string } | null;
    };
    assert.equal(got.status, 'SUCCEEDED');
    assert.ok(got.referenceImage!.bytes.length > 1000);
    const bad = await fetch(`${h.url}/v1/liveness/sessions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ returnPath: '//evil.example' }),
    });
    assert.equal(bad.status, 400);
  });

  /** Fails one session (a still frame: no head movement) posted with `device` from `from`. */
  const failOnce = async (device: string, from: string, id?: string) => {
    const sid = id ?? (await create());
    assert.equal((await frame(sid, frontal, device, from)).status, 200);
    await post(sid, 'complete', {}, device, from);
    assert.equal((await results(sid)).Status, 'FAILED');
  };
  const status = async (device: string, from: string, id?: string) =>
    (await frame(id ?? (await create()), frontal, device, from)).status;

  test('5 failed sessions in 3 minutes lock the client address out, whatever device id it sends each time', async () => {
    clock += LOCKOUT_WINDOW_MS; // the failures of the tests above leave the window
    const attacker = '203.0.113.10';
    for (let i = 0; i < 5; i++) await failOnce(`device-rotating-${i}`, attacker);
    const locked = await frame(await create(), frontal, 'device-never-seen', attacker);
    assert.equal(locked.status, 429);
    assert.equal(((await locked.json()) as { code: string }).code, 'LIVENESS_DEVICE_LOCKED');
    assert.equal(await status('', attacker), 429, 'without a device id too');
    const locking = await create();
    assert.equal((await post(locking, 'complete', {}, 'device-never-seen', attacker)).status, 429);
    // Another address is not locked, nor the same address on another application's (REST key's) sessions.
    assert.equal(await status('device-other-1', '203.0.113.11'), 200);
    const key = (await (await h.container.get('restKeys')).create({ name: 'lockout-app', role: 'operator' })).key;
    const r = await fetch(`${h.url}/v1/liveness/sessions`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(r.status, 201);
    const { sessionId } = (await r.json()) as { sessionId: string };
    assert.equal(await status('device-never-seen', attacker, sessionId), 200);
    clock += LOCKOUT_WINDOW_MS;
    assert.equal(await status('device-never-seen', attacker), 200, 'the lockout ends with the window');
  });

  test('a device id that failed 5 times is locked from any address; an address with no failures is not', async () => {
    clock += LOCKOUT_WINDOW_MS;
    for (let i = 0; i < 5; i++) await failOnce('device-roaming-1', `198.51.100.${i + 1}`);
    assert.equal(await status('device-roaming-1', '198.51.100.99'), 429);
    assert.equal(await status('device-other-2', '198.51.100.99'), 200);
  });
});
