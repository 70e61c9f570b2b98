// End to end on the real vision engine, collections and object store: uploads, the workshop's failure branches,
// a watched directory and an S3 notification, with notifications received by a local webhook server (signature
// checked), a local SMTP server and the MQTT broker on 127.0.0.1:1883 (fails at once when it is not running).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { MqttClient } from 'mqtt';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createFaceEngine, type LocalFaceEngine } from '../../src/vision/face.engine.ts';
import { openCollections, type OpenedCollections } from '../../src/collections/collection.factory.ts';
import { openPipeline, type OpenedPipeline } from '../../src/apps/pipeline/pipeline.factory.ts';
import { EnginePipelineFaces } from '../../src/apps/pipeline/faces.adapter.ts';
import { SharpThumbnailer } from '../../src/apps/sharp.thumbnailer.ts';
import { verifyWebhook } from '../../src/notify/webhook.notifier.ts';
import { composedGroupPhoto, FACE_MODELS, fixtureBytes, visionRuntime } from '../vision/vision.helper.ts';
import { httpReceiver, MQTT_URL, mqttProbe, smtpReceiver } from '../notify/servers.ts';

const MODELS = [...FACE_MODELS, 'centernet', 'nsfw'];
const logger = createLogger('silent');

describe('upload pipeline end to end (real engine, collections, notifications)', () => {
  const prefix = `fg-e2e-${randomBytes(3).toString('hex')}`;
  let dir: string;
  let inbox: string;
  let engine: LocalFaceEngine;
  let collections: OpenedCollections;
  let p: OpenedPipeline;
  let http: Awaited<ReturnType<typeof httpReceiver>>;
  let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
  let mqtt: MqttClient;
  let hookSecret: string;
  const mqttMessages: { topic: string; payload: string }[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fg-e2e-'));
    inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    http = await httpReceiver(() => 200);
    smtp = await smtpReceiver();
    mqtt = await mqttProbe();
    mqtt.on('message', (topic, payload) => mqttMessages.push({ topic, payload: payload.toString() }));
    await mqtt.subscribeAsync(`${prefix}/#`);
    const config = loadConfig({
      FACEGATE_DATA_DIR: dir,
      FACEGATE_JOBS_POLL_MS: '20',
      FACEGATE_SMTP_HOST: '127.0.0.1',
      FACEGATE_SMTP_PORT: String(smtp.port),
      FACEGATE_MQTT_URL: MQTT_URL,
      FACEGATE_MQTT_RETAIN: 'false',
    });
    engine = await createFaceEngine(config, logger, { runtime: await visionRuntime(MODELS) });
    collections = await openCollections({ config, engine, logger });
    const faces = new EnginePipelineFaces({
      engine: () => Promise.resolve(engine),
      collections: () => Promise.resolve(collections.service),
    });
    p = await openPipeline({ config, logger, faces, objects: collections.objects, thumbnails: new SharpThumbnailer() });
    await p.service.define(
      { name: 'signup', collectionId: 'signup-e2e', bucket: 'photos', watchDir: inbox },
      { fromConfig: true },
    );
    const only = { pipeline: 'signup', eventTypes: ['pipeline.succeeded', 'pipeline.failed'] };
    hookSecret = (await p.notifications.subscribe({ channel: 'webhook', target: `${http.url}/hook`, ...only })).secret!;
    await p.notifications.subscribe({
      channel: 'email',
      target: 'owner@example.test',
      ...only,
      eventTypes: ['pipeline.succeeded'],
    });
    await p.notifications.subscribe({ channel: 'mqtt', target: prefix, ...only });
  });

  after(async () => {
    await p?.close();
    await collections?.close();
    await engine?.close();
    await mqtt?.endAsync();
    await http?.close();
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a one-face photo: face indexed, 300×300 thumbnail beside it, record persisted, webhook, e-mail and MQTT', async () => {
    const hook = http.next('/hook');
    const mail = smtp.next();
    const started = await p.service.upload('signup', await fixtureBytes('identity.jpg'), { userId: 'alice' });
    const run = await p.engine.waitForRun(started.id);
    assert.equal(run.state, 'succeeded', JSON.stringify(run.error));

    const listed = await collections.service.listFaces({ collectionId: 'signup-e2e' });
    assert.deepEqual(
      listed.faces.map((f) => f.externalImageId),
      ['alice'],
    );
    const record = await p.service.record(run.id);
    assert.equal(record?.faceId, listed.faces[0]?.faceId);
    assert.equal(record?.objectKey, run.input.key);
    assert.ok(record?.timings.checkFaces !== undefined && record.attributes.sunglasses !== undefined);
    const thumb = await collections.objects.get('photos', record!.thumbnailKey!);
    assert.ok(thumb, 'thumbnail stored in the same bucket');
    assert.equal(record!.thumbnailKey, run.input.key.replace(/\.jpg$/, '.thumb.jpg'));
    const meta = await sharp(thumb.body).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 300, 300]);

    const req = await hook;
    assert.ok(verifyWebhook(hookSecret, req.body, req.headers), 'webhook signature verifies');
    const event = JSON.parse(req.body);
    assert.equal(event.type, 'pipeline.succeeded');
    assert.equal(event.data.faceId, record?.faceId);
    const raw = await mail;
    assert.match(raw, /Subject: Facegate: alice registered/);
    assert.match(raw, /filename=thumbnail\.jpg/);
    const topic = `${prefix}/signup-e2e/pipeline.succeeded`;
    const msg = mqttMessages.find((m) => m.topic === topic) ?? (await nextMqtt(mqtt, topic));
    assert.equal(JSON.parse(msg.payload).runId, run.id);
  });

  test('a group photo fails PhotoDoesNotMeetRequirement and the failure is notified', async () => {
    const hook = http.next('/hook');
    const run = await p.engine.waitForRun((await p.service.upload('signup', await composedGroupPhoto())).id);
    assert.equal(run.state, 'failed');
    assert.equal(run.error?.code, 'PhotoDoesNotMeetRequirement');
    assert.match(run.error?.reasons[0] ?? '', /^expected 1 face\(s\), found [2-9]/);
    const event = JSON.parse((await hook).body);
    assert.equal(event.type, 'pipeline.failed');
    assert.equal(event.data.error, 'PhotoDoesNotMeetRequirement');
  });

  test('the same person again fails FaceAlreadyExists naming the first registration', async () => {
    const photo = await fixtureBytes('looking_at_screen.jpg');
    const run = await p.engine.waitForRun((await p.service.upload('signup', photo, { userId: 'alice-2' })).id);
    assert.equal(run.error?.code, 'FaceAlreadyExists', JSON.stringify(run.error));
    assert.match(run.error?.reasons[0] ?? '', /already indexed as alice /);
    const listed = await collections.service.listFaces({ collectionId: 'signup-e2e' });
    assert.equal(listed.faces.length, 1);
  });

  test('a file dropped in the watched directory and an S3 event notification each start a run', async () => {
    writeFileSync(join(inbox, 'grace.jpg'), await fixtureBytes('grace_hopper_512x512.jpg'));
    await p.watcher.scanOnce();
    const [watched] = await p.watcher.scanOnce();
    assert.ok(watched, 'the stable file was ingested');
    assert.equal((await p.engine.waitForRun(watched.id)).state, 'succeeded');

    await collections.objects.put('photos', 'incoming/eileen collins.png', await fixtureBytes('astronaut.png'));
    const event = {
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: 'photos' }, object: { key: 'incoming/eileen+collins.png' } },
        },
      ],
    };
    const [fromS3] = await p.service.s3Event(event);
    assert.ok(fromS3);
    assert.equal((await p.engine.waitForRun(fromS3.id)).state, 'succeeded');
    const ids = (await collections.service.listFaces({ collectionId: 'signup-e2e' })).faces.map(
      (f) => f.externalImageId,
    );
    assert.deepEqual(ids.sort(), ['alice', 'incoming_eileen_collins.png', 'watch_grace.jpg']);
  });
});

function nextMqtt(client: MqttClient, topic: string): Promise<{ topic: string; payload: string }> {
  return new Promise((resolve) => {
    const on = (t: string, payload: Buffer): void => {
      if (t !== topic) return;
      client.off('message', on);
      resolve({ topic: t, payload: payload.toString() });
    };
    client.on('message', on);
  });
}
