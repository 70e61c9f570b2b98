// Home Assistant MQTT discovery for each door: a "last event" sensor and a lock binary sensor (device class lock:
// "unlocked" after an unlock action, "locked" again relockSeconds later), grouped as one device. Discovery configs
// and states are retained, so Home Assistant shows the doors after either side restarts.
// Topics: <prefix>/sensor/facegate_door_<id>_event/config, <prefix>/binary_sensor/facegate_door_<id>_lock/config,
// facegate/door/<id>/event (JSON: event, visitor, at) and facegate/door/<id>/lock ("locked" | "unlocked").
import type { Logger } from '../../logger.ts';
import type { DoorObserver, DoorState } from './door.ports.ts';
import type { Door } from './door.types.ts';
import type { MqttPublisher } from '../../notify/mqtt.publisher.ts';

const slug = (id: string) => id.replace(/[^a-zA-Z0-9_-]/g, '_');

export const doorTopics = (id: string) => ({
  event: `facegate/door/${slug(id)}/event`,
  lock: `facegate/door/${slug(id)}/lock`,
});

export class HomeAssistantDoors implements DoorObserver {
  private readonly relocks = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly mqtt: MqttPublisher,
    private readonly options: { prefix: string; relockSeconds: number; now: () => Date; logger: Logger },
  ) {}

  async doorDefined(door: Door): Promise<void> {
    const id = slug(door.id);
    const topics = doorTopics(door.id);
    const device = { identifiers: [`facegate_door_${id}`], name: door.name, manufacturer: 'Facegate', model: 'Door' };
    const p = this.options.prefix;
    await this.mqtt.publish(
      `${p}/sensor/facegate_door_${id}_event/config`,
      JSON.stringify({
        name: 'Last event',
        unique_id: `facegate_door_${id}_event`,
        state_topic: topics.event,
        value_template: '{{ value_json.event }}',
        json_attributes_topic: topics.event,
        icon: 'mdi:door',
        device,
      }),
      { retain: true },
    );
    await this.mqtt.publish(
      `${p}/binary_sensor/facegate_door_${id}_lock/config`,
      JSON.stringify({
        name: 'Lock',
        unique_id: `facegate_door_${id}_lock`,
        state_topic: topics.lock,
        device_class: 'lock',
        // Home Assistant's lock class: "on" means unlocked.
        payload_on: 'unlocked',
        payload_off: 'locked',
        device,
      }),
      { retain: true },
    );
    await this.mqtt.publish(topics.lock, 'locked', { retain: true });
  }

  async doorChanged(door: Door, state: DoorState): Promise<void> {
    const topics = doorTopics(door.id);
    const at = this.options.now().toISOString();
    if (state.kind === 'opened') {
      await this.mqtt.publish(topics.event, JSON.stringify({ event: 'opened', visitor: state.visitor, at }), {
        retain: true,
      });
      await this.mqtt.publish(topics.lock, 'unlocked', { retain: true });
      clearTimeout(this.relocks.get(door.id));
      const t = setTimeout(() => {
        this.relocks.delete(door.id);
        this.mqtt
          .publish(topics.lock, 'locked', { retain: true })
          .catch((e: unknown) => this.options.logger.warn({ err: e, doorId: door.id }, 'relock state not published'));
      }, this.options.relockSeconds * 1000);
      t.unref();
      this.relocks.set(door.id, t);
      return;
    }
    await this.mqtt.publish(topics.event, JSON.stringify({ event: state.event, visitor: state.visitor, at }), {
      retain: true,
    });
  }

  close(): void {
    for (const t of this.relocks.values()) clearTimeout(t);
    this.relocks.clear();
  }
}
