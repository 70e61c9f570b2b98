// Home Assistant discovery against a real MQTT broker: a camera's entities are announced (retained), a visit sets
// the person sensor ON with the recognised name, the snapshot URL and the best frame, and `left` turns it OFF.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { createLogger } from '../../src/logger.ts';
import { HomeAssistantDiscovery } from '../../src/streams/ha.discovery.ts';
import { mqttPublisher, type MqttPublisher } from '../../src/notify/mqtt.publisher.ts';
import type { Visit } from '../../src/streams/visit.types.ts';
import { mqttTarget } from '../../src/streams/processors/record.targets.ts';
import { mqttUrl } from '../helpers/services.ts';

// A prefix of its own so that parallel runs and retained messages of other tests never mix in.
const run = randomBytes(4).toString('hex');
const discoveryPrefix = `ha-${run}`;
const topicPrefix = `fg-${run}`;
let pub: MqttPublisher;
let sub: MqttClient;
const seen: { topic: string; payload: Buffer; retain: boolean }[] = [];
let waiters: (() => boolean)[] = [];

function message(topic: string, ok: (p: Buffer) => boolean = () => true, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${topic}`)), timeoutMs);
    const check = () => {
      const m = seen.find((s) => s.topic === topic && ok(s.payload));
      if (!m) return false;
      clearTimeout(timer);
      resolve(m.payload);
      return true;
    };
    if (!check()) waiters.push(check);
  });
}

before(async () => {
  sub = await mqtt.connectAsync(mqttUrl(), { connectTimeout: 5000, reconnectPeriod: 0 });
  sub.on('message', (topic, payload, packet) => {
    seen.push({ topic, payload, retain: packet.retain });
    waiters = waiters.filter((w) => !w());
  });
  await sub.subscribeAsync([`${discoveryPrefix}/#`, `${topicPrefix}/#`], { qos: 1 });
  pub = mqttPublisher(mqttUrl());
});
after(async () => {
  await pub?.close();
  await sub?.endAsync();
});

const visit: Visit = {
  id: 'visit-1',
  cameraId: 'front',
  doorId: 'door-1',
  collectionId: 'door',
  trackId: 't1',
  verdict: { kind: 'known', faceId: 'f1', userId: null, externalImageId: 'dani', similarity: 97.5 },
  firstSeenAt: new Date('2026-01-01T10:00:00Z'),
  decidedAt: new Date('2026-01-01T10:00:00.400Z'),
  framesSeen: 2,
  snapshots: [
    { jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xd9]), box: { left: 0.1, top: 0.1, width: 0.3, height: 0.3 }, quality: 1 },
  ],
  descriptor: new Float32Array(4),
};

test('a camera is discovered by Home Assistant and its visits and left messages are published', async () => {
  const ha = new HomeAssistantDiscovery(
    pub,
    { discoveryPrefix, topicPrefix, publicUrl: 'http://facegate.local:8080' },
    createLogger('silent'),
  );
  await ha.announce('front', 'Front door');
  const config = JSON.parse(
    (await message(`${discoveryPrefix}/binary_sensor/facegate_front/person/config`)).toString(),
  ) as Record<string, unknown>;
  assert.equal(config.state_topic, `${topicPrefix}/cameras/front/person`);
  assert.equal(config.unique_id, 'facegate_front_person');
  await message(`${discoveryPrefix}/sensor/facegate_front/last_recognised/config`);
  await message(`${discoveryPrefix}/camera/facegate_front/snapshot/config`);

  await ha.visit(visit);
  const event = JSON.parse((await message(`${topicPrefix}/cameras/front/visit`)).toString()) as Record<string, unknown>;
  assert.equal(event.id, 'visit-1');
  assert.equal(event.name, 'dani');
  assert.equal(event.snapshotUrl, 'http://facegate.local:8080/v1/visits/visit-1/snapshot');
  await message(`${topicPrefix}/cameras/front/person`, (p) => p.toString() === 'ON');
  assert.equal((await message(`${topicPrefix}/cameras/front/last_recognised`)).toString(), 'dani');
  assert.deepEqual([...(await message(`${topicPrefix}/cameras/front/snapshot`))], [0xff, 0xd8, 0xff, 0xd9]);

  await ha.left({ visitId: 'visit-1', cameraId: 'front', doorId: 'door-1', trackId: 't1', leftAt: new Date() });
  const left = JSON.parse((await message(`${topicPrefix}/cameras/front/left`)).toString()) as Record<string, unknown>;
  assert.equal(left.visitId, 'visit-1');
  await message(`${topicPrefix}/cameras/front/person`, (p) => p.toString() === 'OFF');
  // Clear the retained messages this test left on the broker.
  for (const t of new Set(seen.filter((s) => s.retain || s.topic.includes('config')).map((s) => s.topic)))
    await pub.publish(t, '', { retain: true });
});

test('a stream processor MQTT target publishes each record as JSON on its topic', async () => {
  const target = mqttTarget({ stream: 'door-results', mqttTopic: `${topicPrefix}/door-results` }, pub);
  await target.send({ StreamProcessorInformation: { Status: 'RUNNING' }, FaceSearchResponse: [] });
  const got = JSON.parse((await message(`${topicPrefix}/door-results`)).toString()) as Record<string, unknown>;
  assert.deepEqual(got.StreamProcessorInformation, { Status: 'RUNNING' });
});
