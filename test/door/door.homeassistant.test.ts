// Home Assistant discovery and the unlock actions against the real MQTT broker and a local HTTP endpoint: each door
// appears as a device with a last-event sensor and a lock sensor; an unlock posts the webhook, sends the MQTT command
// and flips the lock to "unlocked", then back to "locked".
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { doorTopics, HomeAssistantDoors } from '../../src/apps/door/door.homeassistant.ts';
import type { Door, Visitor } from '../../src/apps/door/door.types.ts';
import { mqttPublisher, type MqttPublisher } from '../../src/notify/mqtt.publisher.ts';
import { DoorUnlockActions } from '../../src/apps/door/unlock.actions.ts';
import { createLogger } from '../../src/logger.ts';
import { mqttUrl } from '../helpers/services.ts';

const id = `ha${Date.now().toString(36)}`;
const prefix = `test_${id}`;
const door = (over: Partial<Door> = {}): Door => ({
  id,
  name: 'Front door',
  collectionId: `door-${id}`,
  threshold: 80,
  owner: {},
  unlock: { mqttTopic: `test/${id}/lock/set`, mqttPayload: 'UNLOCK' },
  secondFactorSeconds: 0,
  createdAt: new Date(),
  ...over,
});
const visitor: Visitor = {
  id: 'v1',
  doorId: id,
  name: 'Dana',
  phone: '+15550000002',
  faceIds: [],
  photos: [],
  createdAt: new Date(),
};

let publisher: MqttPublisher;
let listener: MqttClient;
const seen = new Map<string, string[]>();

/** Resolves with the first message on `topic` satisfying `ok` (already seen or still to come). */
function message(topic: string, ok: (m: string) => boolean = () => true): Promise<string> {
  const found = (seen.get(topic) ?? []).find(ok);
  if (found !== undefined) return Promise.resolve(found);
  return new Promise((resolve) => {
    const on = (t: string, payload: Buffer) => {
      if (t === topic && ok(payload.toString())) {
        listener.off('message', on);
        resolve(payload.toString());
      }
    };
    listener.on('message', on);
  });
}

describe('door on MQTT and webhooks', { timeout: 60_000 }, () => {
  before(async () => {
    publisher = mqttPublisher(mqttUrl());
    listener = await mqtt.connectAsync(mqttUrl(), { reconnectPeriod: 0 });
    listener.on('message', (t, p) => seen.set(t, [...(seen.get(t) ?? []), p.toString()]));
    await listener.subscribeAsync([`${prefix}/#`, `facegate/door/${id}/#`, `test/${id}/#`]);
  });
  after(async () => {
    // Retained test configs are cleared so that a real Home Assistant on the broker never sees them.
    for (const t of [
      `${prefix}/sensor/facegate_door_${id}_event/config`,
      `${prefix}/binary_sensor/facegate_door_${id}_lock/config`,
      ...Object.values(doorTopics(id)),
    ]) {
      await publisher.publish(t, '', { retain: true });
    }
    await publisher.close();
    await listener.endAsync();
  });

  test('announces each door to Home Assistant and reports the lock state after an unlock', async () => {
    const ha = new HomeAssistantDoors(publisher, {
      prefix,
      relockSeconds: 1,
      now: () => new Date(),
      logger: createLogger('silent'),
    });
    await ha.doorDefined(door());
    const sensor = JSON.parse(await message(`${prefix}/sensor/facegate_door_${id}_event/config`)) as Record<
      string,
      unknown
    >;
    assert.equal(sensor.state_topic, doorTopics(id).event);
    assert.deepEqual((sensor.device as { identifiers: string[] }).identifiers, [`facegate_door_${id}`]);
    const lock = JSON.parse(await message(`${prefix}/binary_sensor/facegate_door_${id}_lock/config`)) as Record<
      string,
      unknown
    >;
    assert.equal(lock.device_class, 'lock');
    assert.equal(await message(doorTopics(id).lock), 'locked');

    await ha.doorChanged(door(), { kind: 'visit', event: 'known', visitor: 'Dana' });
    assert.equal((JSON.parse(await message(doorTopics(id).event)) as { visitor: string }).visitor, 'Dana');
    await ha.doorChanged(door(), { kind: 'opened', visitor: 'Dana' });
    await message(doorTopics(id).lock, (m) => m === 'unlocked');
    const relocked = (seen.get(doorTopics(id).lock) ?? []).length;
    await message(doorTopics(id).lock, () => (seen.get(doorTopics(id).lock) ?? []).length > relocked);
    assert.equal(seen.get(doorTopics(id).lock)?.at(-1), 'locked');
    ha.close();
  });

  test('an unlock posts the webhook and sends the MQTT command; a failing webhook is reported', async () => {
    const bodies: unknown[] = [];
    let status = 200;
    const server = createServer((req: IncomingMessage, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(text));
        res.writeHead(status).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/unlock`;
    try {
      const actions = new DoorUnlockActions(publisher);
      const d = door({ unlock: { webhook: url, mqttTopic: `test/${id}/lock/set`, mqttPayload: 'UNLOCK' } });
      await actions.unlock(d, visitor);
      assert.deepEqual(bodies, [{ action: 'unlock', doorId: id, visitorId: 'v1', visitorName: 'Dana' }]);
      assert.equal(await message(`test/${id}/lock/set`), 'UNLOCK');
      status = 500;
      await assert.rejects(actions.unlock(d, visitor), /webhook answered HTTP 500/);
      await assert.rejects(new DoorUnlockActions(undefined).unlock(d, visitor), /needs FACEGATE_MQTT_URL/);
    } finally {
      server.close();
    }
  });
});
