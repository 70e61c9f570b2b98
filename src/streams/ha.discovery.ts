// Home Assistant MQTT discovery for cameras, as a VisitSink: each camera appears as a device with a "person"
// occupancy sensor, a "last recognised" sensor, a "snapshot URL" sensor and an MQTT camera showing the last visit's
// best frame; every visit is published as an event with its id and snapshot URL, and `left` when the visitor leaves.
// Topics: homeassistant/<component>/facegate_<camera>/<object>/config (retained), facegate/cameras/<camera>/<what>.
import type { Logger } from '../logger.ts';
import type { MqttPublisher } from '../notify/mqtt.publisher.ts';
import type { Visit, VisitLeft, VisitSink } from './visit.types.ts';

export interface DiscoveryOptions {
  /** Discovery prefix Home Assistant listens on. */
  discoveryPrefix: string;
  /** Prefix of Facegate's own topics. */
  topicPrefix: string;
  /** Base URL for snapshot links (e.g. http://facegate.local:8080); relative paths when absent. */
  publicUrl: string | undefined;
}

const level = (s: string) => s.replace(/[#+/\s]/g, '_');

export class HomeAssistantDiscovery implements VisitSink {
  private readonly announced = new Set<string>();
  private readonly present = new Map<string, Set<string>>();

  constructor(
    private readonly mqtt: MqttPublisher,
    private readonly options: DiscoveryOptions,
    private readonly log: Logger,
  ) {}

  topic(cameraId: string, what: string): string {
    return `${this.options.topicPrefix}/cameras/${level(cameraId)}/${what}`;
  }

  /** Publishes (retained) the discovery configs of a camera's entities, once per process. */
  async announce(cameraId: string, name = cameraId): Promise<void> {
    if (this.announced.has(cameraId)) return;
    this.announced.add(cameraId);
    const id = `facegate_${level(cameraId)}`;
    const device = { identifiers: [id], name: `Facegate ${name}`, manufacturer: 'Facegate', model: 'camera' };
    const availability_topic = this.topic(cameraId, 'availability');
    const entities: [string, string, Record<string, unknown>][] = [
      [
        'binary_sensor',
        'person',
        {
          name: 'Person',
          device_class: 'occupancy',
          state_topic: this.topic(cameraId, 'person'),
          payload_on: 'ON',
          payload_off: 'OFF',
        },
      ],
      [
        'sensor',
        'last_recognised',
        { name: 'Last recognised', icon: 'mdi:account-check', state_topic: this.topic(cameraId, 'last_recognised') },
      ],
      [
        'sensor',
        'snapshot_url',
        { name: 'Snapshot URL', icon: 'mdi:image', state_topic: this.topic(cameraId, 'snapshot_url') },
      ],
      ['camera', 'snapshot', { name: 'Last visit', topic: this.topic(cameraId, 'snapshot') }],
    ];
    for (const [component, object, config] of entities) {
      const body = {
        ...config,
        unique_id: `${id}_${object}`,
        object_id: `${id}_${object}`,
        availability_topic,
        device,
      };
      await this.mqtt.publish(
        `${this.options.discoveryPrefix}/${component}/${id}/${object}/config`,
        JSON.stringify(body),
        { retain: true },
      );
    }
    await this.mqtt.publish(availability_topic, 'online', { retain: true });
    await this.mqtt.publish(this.topic(cameraId, 'person'), 'OFF', { retain: true });
  }

  async visit(v: Visit): Promise<void> {
    try {
      await this.announce(v.cameraId);
      const base = this.options.publicUrl?.replace(/\/+$/, '') ?? '';
      const snapshotUrl = `${base}/v1/visits/${v.id}/snapshot`;
      const known = v.verdict.kind === 'known' ? v.verdict : undefined;
      const name = known ? (known.externalImageId ?? known.userId ?? known.faceId) : null;
      const event = {
        id: v.id,
        type: v.verdict.kind,
        cameraId: v.cameraId,
        doorId: v.doorId,
        name,
        similarity: known ? known.similarity : v.verdict.kind === 'unknown' ? v.verdict.bestSimilarity : null,
        firstSeenAt: v.firstSeenAt.toISOString(),
        decidedAt: v.decidedAt.toISOString(),
        snapshotUrl,
        liveSnapshotUrl: `${base}/v1/cameras/${encodeURIComponent(v.cameraId)}/snapshot`,
      };
      const here = this.present.get(v.cameraId) ?? new Set<string>();
      here.add(v.id);
      this.present.set(v.cameraId, here);
      await this.mqtt.publish(this.topic(v.cameraId, 'visit'), JSON.stringify(event));
      await this.mqtt.publish(this.topic(v.cameraId, 'person'), 'ON', { retain: true });
      if (name) await this.mqtt.publish(this.topic(v.cameraId, 'last_recognised'), name, { retain: true });
      await this.mqtt.publish(this.topic(v.cameraId, 'snapshot_url'), snapshotUrl, { retain: true });
      const best = v.snapshots[0];
      if (best) await this.mqtt.publish(this.topic(v.cameraId, 'snapshot'), Buffer.from(best.jpeg), { retain: true });
    } catch (e) {
      this.log.warn({ err: e, visitId: v.id }, 'Home Assistant visit message not published');
    }
  }

  async left(e: VisitLeft): Promise<void> {
    try {
      const here = this.present.get(e.cameraId);
      here?.delete(e.visitId);
      const body = { visitId: e.visitId, cameraId: e.cameraId, doorId: e.doorId, leftAt: e.leftAt.toISOString() };
      await this.mqtt.publish(this.topic(e.cameraId, 'left'), JSON.stringify(body));
      if (!here?.size) await this.mqtt.publish(this.topic(e.cameraId, 'person'), 'OFF', { retain: true });
    } catch (err) {
      this.log.warn({ err, visitId: e.visitId }, 'Home Assistant left message not published');
    }
  }
}
