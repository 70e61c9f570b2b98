// MQTT: each event on `<prefix>/<collection>/<event type>` (prefix = the subscription's target, "facegate" by
// default), as JSON, QoS 1. Retained by default so that Home Assistant shows the last event of each kind after a
// restart. One connection per notifier, opened on first use.
import { mqttPublisher, type MqttPublisher } from './mqtt.publisher.ts';
import type { DeliveryReceipt, Notification, Notifier, Subscription } from './notify.types.ts';

/** MQTT topic levels must not contain wildcards or separators. */
const level = (s: string): string => s.replace(/[#+/]/g, '_');

export function mqttTopic(prefix: string, n: Notification): string {
  const scope = n.event.collectionId ?? n.event.pipeline ?? 'all';
  return `${prefix.replace(/\/+$/, '') || 'facegate'}/${level(scope)}/${n.event.type}`;
}

export class MqttNotifier implements Notifier {
  readonly channel = 'mqtt' as const;
  private readonly publisher: MqttPublisher;

  constructor(
    url: string,
    private readonly retain: boolean,
    connectTimeoutMs = 5000,
  ) {
    // No automatic reconnection: a broker that is down fails this attempt at once (the queue retries it later).
    this.publisher = mqttPublisher(url, connectTimeoutMs);
  }

  async send(n: Notification, sub: Subscription): Promise<DeliveryReceipt> {
    const topic = mqttTopic(sub.target, n);
    await this.publisher.publish(topic, JSON.stringify(n.event), { retain: this.retain });
    return { detail: topic };
  }

  close(): Promise<void> {
    return this.publisher.close();
  }
}
