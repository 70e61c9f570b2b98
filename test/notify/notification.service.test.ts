import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.ts';
import { openJobsDatabase, type SqliteDatabase } from '../../src/jobs/sqlite.database.ts';
import { SqliteJobQueue } from '../../src/jobs/sqlite-queue.driver.ts';
import { appendEvents, SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import type { NewEvent } from '../../src/events/event.types.ts';
import { SqliteNotifyStore } from '../../src/notify/notify.sqlite.driver.ts';
import { NotificationService } from '../../src/notify/notification.service.ts';
import { verifyWebhook, WebhookNotifier } from '../../src/notify/webhook.notifier.ts';
import { EmailNotifier } from '../../src/notify/email.notifier.ts';
import { SmsNotifier } from '../../src/notify/sms.notifier.ts';
import { MqttNotifier } from '../../src/notify/mqtt.notifier.ts';
import { SnsNotifier } from '../../src/notify/sns.notifier.ts';
import { MemoryObjectStore } from '../pipeline/fakes.ts';
import { httpReceiver, MQTT_URL, mqttProbe, smtpReceiver } from './servers.ts';

const logger = createLogger('silent');
const succeeded = (collectionId = 'members'): NewEvent => ({
  type: 'pipeline.succeeded',
  pipeline: 'signup',
  collectionId,
  runId: 'run-1',
  data: { userId: 'alice', faceId: 'f-1', bucket: 'uploads', key: 'signup/a.jpg', thumbnailKey: 'signup/a.thumb.jpg' },
});

describe('notifications: outbox → subscriptions → channels', () => {
  let dir: string;
  let db: SqliteDatabase;
  let queue: SqliteJobQueue;
  let notify: NotificationService;
  let store: SqliteNotifyStore;
  let http: Awaited<ReturnType<typeof httpReceiver>>;
  let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
  let flakyDown = true;

  /** Commits events as a writer would, fans them out, and returns this batch's delivery ids per subscription. */
  async function publish(...events: NewEvent[]): Promise<Map<string, string[]>> {
    const stored = db.transaction(() => appendEvents(db, events))();
    await notify.dispatch();
    const out = new Map<string, string[]>();
    for (const e of stored) {
      for (const d of await store.listDeliveries({ eventId: e.id })) {
        out.set(d.subscriptionId, [...(out.get(d.subscriptionId) ?? []), d.id]);
      }
    }
    return out;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fg-notify-'));
    db = openJobsDatabase(join(dir, 'jobs.db'));
    queue = new SqliteJobQueue({ db, logger, pollMs: 20 });
    store = new SqliteNotifyStore(db);
    http = await httpReceiver((p) => (p.startsWith('/fail') || (p === '/flaky' && flakyDown) ? 500 : 204), '');
    smtp = await smtpReceiver();
    const objects = new MemoryObjectStore();
    await objects.put('uploads', 'signup/a.thumb.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
    notify = new NotificationService({
      store,
      outbox: new SqliteEventOutbox(db),
      queue,
      objects,
      logger,
      maxAttempts: 3,
      backoffMs: 30,
      concurrency: 1,
      sendTimeoutMs: 2000,
      notifiers: {
        // A channel that never answers (stands in for a vanished broker).
        sns: { channel: 'sns', send: () => new Promise<never>(() => {}) },
        webhook: new WebhookNotifier(2000),
        email: new EmailNotifier({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'facegate@test' }),
        sms: new SmsNotifier({}, store),
        mqtt: new MqttNotifier(MQTT_URL, true, 3000),
      },
    });
    notify.register();
    await queue.start();
  });

  after(async () => {
    await queue.stop();
    await notify.stop();
    await http.close();
    await smtp.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a webhook receives the event JSON with a valid HMAC signature and the delivery is logged', async () => {
    const sub = await notify.subscribe({
      channel: 'webhook',
      target: `${http.url}/hook`,
      eventTypes: ['pipeline.succeeded'],
    });
    const received = http.next('/hook');
    const ids = await publish(succeeded());
    const req = await received;
    assert.ok(verifyWebhook(sub.secret!, req.body, req.headers), 'signature verifies with the subscription secret');
    assert.equal(verifyWebhook('wrong-secret-wrong-secret', req.body, req.headers), false);
    assert.equal(JSON.parse(req.body).data.faceId, 'f-1');
    assert.equal(req.headers['x-facegate-event'], 'pipeline.succeeded');
    const d = await notify.waitForDelivery(ids.get(sub.id)![0]!);
    assert.equal(d.state, 'delivered');
    assert.deepEqual(
      d.attempts.map((a) => [a.ok, a.status]),
      [[true, 204]],
    );
    await store.deleteSubscription(sub.id);
  });

  test('a failing webhook is retried, then dead-lettered, while another subscription is delivered', async () => {
    const bad = await notify.subscribe({ channel: 'webhook', target: `${http.url}/fail` });
    const good = await notify.subscribe({ channel: 'webhook', target: `${http.url}/ok` });
    const ids = await publish(succeeded());
    const goodDelivery = await notify.waitForDelivery(ids.get(good.id)![0]!);
    const badDelivery = await notify.waitForDelivery(ids.get(bad.id)![0]!);
    assert.equal(goodDelivery.state, 'delivered');
    assert.equal(badDelivery.state, 'dead');
    assert.deepEqual(
      badDelivery.attempts.map((a) => [a.attempt, a.ok, a.status]),
      [
        [1, false, 500],
        [2, false, 500],
        [3, false, 500],
      ],
    );
    assert.ok(
      goodDelivery.attempts[0]!.at <= badDelivery.attempts[2]!.at,
      'the good delivery did not wait for the dead one',
    );
    await store.deleteSubscription(bad.id);
    await store.deleteSubscription(good.id);
  });

  test('a dead delivery can be sent again once the endpoint is back, and its log keeps every attempt', async () => {
    const sub = await notify.subscribe({ channel: 'webhook', target: `${http.url}/flaky` });
    const [id] = (await publish(succeeded())).get(sub.id)!;
    assert.equal((await notify.waitForDelivery(id!)).state, 'dead');
    await assert.rejects(notify.redeliver('no-such-delivery'), { code: 'NOT_FOUND' });
    flakyDown = false;
    await notify.redeliver(id!);
    const d = await notify.waitForDelivery(id!);
    assert.equal(d.state, 'delivered');
    assert.deepEqual(
      d.attempts.map((a) => a.ok),
      [false, false, false, true],
    );
    await assert.rejects(notify.redeliver(id!), { code: 'CONFLICT' });
    await store.deleteSubscription(sub.id);
  });

  test('a channel that never answers times out, is retried and dead-lettered, and later deliveries still go out', async () => {
    const hung = await notify.subscribe({ channel: 'sns', target: 'arn:aws:sns:us-east-1:0:hung' });
    const [id] = (await publish(succeeded())).get(hung.id)!;
    const d = await notify.waitForDelivery(id!);
    assert.equal(d.state, 'dead');
    assert.match(d.attempts[0]?.error ?? '', /the sns channel did not answer within 2000 ms/);
    await store.deleteSubscription(hung.id);
    const ok = await notify.subscribe({ channel: 'webhook', target: `${http.url}/after-hang` });
    const [okId] = (await publish(succeeded())).get(ok.id)!;
    assert.equal((await notify.waitForDelivery(okId!)).state, 'delivered');
    await store.deleteSubscription(ok.id);
  });

  test('MQTT with no broker listening fails the attempt at once instead of waiting on reconnects', async () => {
    const n = new MqttNotifier('mqtt://127.0.0.1:9', false, 2000);
    const event = { ...succeeded(), id: '00000000-0000-4000-8000-000000000002', occurredAt: new Date().toISOString() };
    const sub = {
      id: 's',
      channel: 'mqtt' as const,
      target: 'facegate',
      eventTypes: ['*'],
      collectionId: null,
      pipeline: null,
      secret: null,
      enabled: true,
      createdAt: new Date(),
    };
    await assert.rejects(n.send({ event, subject: 's', text: 't', attachments: [] }, sub));
    await n.close();
  });

  test('an e-mail reaches the SMTP server with the thumbnail attached', async () => {
    const sub = await notify.subscribe({ channel: 'email', target: 'owner@example.test', collectionId: 'members' });
    const mail = smtp.next();
    await publish(succeeded());
    const raw = await mail;
    assert.match(raw, /To: owner@example\.test/);
    assert.match(raw, /Subject: Facegate: alice registered/);
    assert.match(raw, /filename=thumbnail\.jpg/);
    assert.match(raw, /Content-Type: image\/jpeg/);
    await store.deleteSubscription(sub.id);
  });

  test('an SMS without a provider lands in the SMS outbox', async () => {
    const sub = await notify.subscribe({ channel: 'sms', target: '+15550100', eventTypes: ['pipeline.failed'] });
    const failed: NewEvent = {
      type: 'pipeline.failed',
      pipeline: 'signup',
      collectionId: 'members',
      data: { userId: 'bob', error: 'FaceAlreadyExists', reasons: ['already indexed as alice'] },
    };
    const ids = await publish(failed, succeeded());
    assert.equal(ids.get(sub.id)?.length, 1, 'only the subscribed event type');
    await notify.waitForDelivery(ids.get(sub.id)![0]!);
    const [sms] = await store.listSms();
    assert.equal(sms?.to, '+15550100');
    assert.match(sms?.body ?? '', /bob rejected: FaceAlreadyExists \(already indexed as alice\)/);
    await store.deleteSubscription(sub.id);
  });

  test('subscriptions filtered to another collection receive nothing', async () => {
    const sub = await notify.subscribe({ channel: 'webhook', target: `${http.url}/other`, collectionId: 'other' });
    const ids = await publish(succeeded('members'));
    assert.equal(ids.has(sub.id), false);
    await store.deleteSubscription(sub.id);
  });

  test('MQTT: the event is published on facegate/<collection>/<type>, retained for late subscribers', async () => {
    const sub = await notify.subscribe({ channel: 'mqtt', target: 'facegate-test' });
    const ids = await publish(succeeded('mqtt-members'));
    const d = await notify.waitForDelivery(ids.get(sub.id)![0]!);
    assert.equal(d.state, 'delivered', JSON.stringify(d.attempts));
    const late = await mqttProbe();
    try {
      const msg = new Promise<{ topic: string; payload: string; retain: boolean }>((resolve) =>
        late.on('message', (topic, payload, packet) =>
          resolve({ topic, payload: payload.toString(), retain: packet.retain }),
        ),
      );
      await late.subscribeAsync('facegate-test/mqtt-members/pipeline.succeeded');
      const m = await msg;
      assert.equal(m.retain, true);
      assert.equal(JSON.parse(m.payload).data.userId, 'alice');
    } finally {
      // Clear the retained message so the broker holds no state from this test.
      await late.publishAsync('facegate-test/mqtt-members/pipeline.succeeded', '', { retain: true });
      await late.endAsync();
      await store.deleteSubscription(sub.id);
    }
  });

  test('SMS through a Twilio-style provider and SNS through a configurable endpoint', async () => {
    const sms = new SmsNotifier(
      { url: `${http.url}/sms`, accountSid: 'AC1', authToken: 'tok', from: '+15550000' },
      store,
    );
    const event = { ...succeeded(), id: '00000000-0000-4000-8000-000000000001', occurredAt: new Date().toISOString() };
    const sub = {
      id: 's',
      channel: 'sms' as const,
      target: '+15550199',
      eventTypes: ['*'],
      collectionId: null,
      pipeline: null,
      secret: null,
      enabled: true,
      createdAt: new Date(),
    };
    const got = http.next('/sms');
    await sms.send({ event, subject: 'hello', text: 'hello', attachments: [] }, sub);
    const req = await got;
    assert.equal(req.headers.authorization, `Basic ${Buffer.from('AC1:tok').toString('base64')}`);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(req.body)), {
      To: '+15550199',
      From: '+15550000',
      Body: 'hello',
    });

    const xml = await httpReceiver(
      () => 200,
      '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>',
    );
    try {
      const sns = new SnsNotifier({ endpoint: xml.url, region: 'us-east-1', accessKeyId: 'AK', secretAccessKey: 'SK' });
      const arn = 'arn:aws:sns:us-east-1:000000000000:faces';
      const published = xml.next('/');
      const receipt = await sns.send(
        { event, subject: 'hello', text: 'hello', attachments: [] },
        { ...sub, channel: 'sns', target: arn },
      );
      const body = new URLSearchParams((await published).body);
      assert.equal(body.get('Action'), 'Publish');
      assert.equal(body.get('TopicArn'), arn);
      assert.equal(JSON.parse(body.get('Message') ?? '{}').type, 'pipeline.succeeded');
      assert.equal(receipt.detail, 'm-1');
      await sns.close();
    } finally {
      await xml.close();
    }
  });
});
