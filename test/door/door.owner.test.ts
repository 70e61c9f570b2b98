// The owner hears about a stranger on every configured channel, through the real notification service: an SMS with
// the approval link (SMS outbox), an e-mail with the snapshot attached (a local SMTP server), a signed webhook (a
// local HTTP server) and an MQTT message (the real broker). The link is in those copies only: the stored event and
// another subscriber's webhook of the same event do not carry it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import { EmailNotifier } from '../../src/notify/email.notifier.ts';
import { MqttNotifier } from '../../src/notify/mqtt.notifier.ts';
import { verifyWebhook, WebhookNotifier } from '../../src/notify/webhook.notifier.ts';
import { mqttUrl } from '../helpers/services.ts';
import { httpReceiver, smtpReceiver } from '../notify/servers.ts';
import { doorFixture, type DoorFixture } from './door.fixture.ts';

const SECRET = 'owner-webhook-secret-0123456789';
let f: DoorFixture;
let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
let http: Awaited<ReturnType<typeof httpReceiver>>;
let probe: MqttClient;
const prefix = `doortest${Date.now().toString(36)}`;

before(async () => {
  smtp = await smtpReceiver();
  http = await httpReceiver(() => 200);
  probe = await mqtt.connectAsync(mqttUrl(), { reconnectPeriod: 0, connectTimeout: 3000 });
  await probe.subscribeAsync(`${prefix}/#`);
  f = await doorFixture({
    notifiers: {
      email: new EmailNotifier({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'door@facegate.test' }),
      webhook: new WebhookNotifier(5000),
      mqtt: new MqttNotifier(mqttUrl(), false),
    },
  });
});
after(async () => {
  await f?.close();
  await probe?.endAsync();
  await smtp?.close();
  await http?.close();
});

test(
  'a stranger reaches the owner by SMS, e-mail with the snapshot, signed webhook and MQTT',
  { timeout: 300_000 },
  async () => {
    await f.service.defineDoor({
      id: 'front',
      name: 'Front door',
      owner: {
        sms: '+15550000001',
        email: 'owner@example.com',
        webhook: `${http.url}/hook`,
        webhookSecret: SECRET,
        mqtt: prefix,
      },
    });
    // Someone else's subscription to the door's events (an admin's audit webhook, say).
    await f.notifications.subscribe({
      channel: 'webhook',
      target: `${http.url}/other`,
      eventTypes: ['door.unknown'],
      collectionId: 'door-front',
    });
    const mail = smtp.next();
    const hook = http.next('/hook');
    const otherHook = http.next('/other');
    const message = new Promise<{ topic: string; body: string }>((resolve) =>
      probe.once('message', (topic, payload) => resolve({ topic, body: payload.toString() })),
    );
    const outcome = await f.service.handleVisit(await f.visit('identity.jpg', 'search'));
    assert.equal(outcome.kind, 'unknown');
    const [event] = await f.outbox.list({ type: 'door.unknown' });
    await f.notifications.dispatch();
    const deliveries = await f.notifyStore.listDeliveries({ eventId: event!.id });
    assert.deepEqual(deliveries.map((d) => d.channel).sort(), ['email', 'mqtt', 'sms', 'webhook', 'webhook']);
    for (const d of deliveries)
      assert.equal((await f.notifications.waitForDelivery(d.id)).state, 'delivered', d.channel);

    assert.equal(event!.data.approvalUrl, undefined, 'the stored event carries no link');
    const [sms] = (await f.notifyStore.listSms()).filter((m) => m.to === '+15550000001');
    const link = /(https?:\/\/\S+\/approve\?token=\S+)/.exec(sms?.body ?? '')?.[1];
    assert.ok(link, `the owner SMS carries the approval link: ${sms?.body}`);
    const token = new URL(link).searchParams.get('token')!;
    assert.equal((await f.service.approvals.byToken(token)).pending.id, outcome.pendingId);

    const raw = await mail;
    assert.match(raw, /Subject: Facegate: a stranger is at Front door/);
    assert.match(raw, /Content-Type: image\/jpeg; name=thumbnail\.jpg/);
    assert.ok(raw.replace(/=\r?\n/g, '').includes('approve?token='), 'the e-mail carries the link');

    const received = await hook;
    assert.equal(
      verifyWebhook(SECRET, received.body, received.headers),
      true,
      'the webhook is signed with the owner key',
    );
    assert.equal((JSON.parse(received.body) as { type: string }).type, 'door.unknown');
    assert.equal((JSON.parse(received.body) as { data: { approvalUrl: string } }).data.approvalUrl, link);
    const other = JSON.parse((await otherHook).body) as { type: string; data: Record<string, unknown> };
    assert.equal(other.type, 'door.unknown');
    assert.equal(other.data.pendingId, outcome.pendingId);
    assert.equal(other.data.approvalUrl, undefined, "another subscriber's copy carries no link");

    const m = await message;
    assert.equal(m.topic, `${prefix}/door-front/door.unknown`);
    assert.equal((JSON.parse(m.body) as { data: { approvalUrl: string } }).data.approvalUrl, link);
  },
);
