// MQTT: each event on `<prefix>/<collection>/<event type>` (prefix = the subscription's target, "facegate" by
// default), as JSON, QoS 1. Retained by default so that Home Assistant shows the last event of each kind after a
// restart. One connection per notifier, opened on first use.
import mqtt, { type MqttClient } from 'mqtt';
import type { DeliveryReceipt, Notification, Notifier, Subscription } from './notify.types.ts';

/** MQTT topic levels must not contain wildcards or separators. */
const level = (s: string): string => s.replace(/[#+/]/g, '_');

export function mqttTopic(prefix: string, n: Notification): string {
  const scope = n.event.collectionId ?? n.event.pipeline ?? 'all';
  return `${prefix.replace(/\/+$/, '') || 'facegate'}/${level(scope)}/${n.event.type}`;
}

export class MqttNotifier implements Notifier {
  readonly channel = 'mqtt' as const;
  private client: Promise<MqttClient> | undefined;

  constructor(
    private readonly url: string,
    private readonly retain: boolean,
    private readonly connectTimeoutMs = 5000,
  ) {}

  async send(n: Notification, sub: Subscription): Promise<DeliveryReceipt> {
    const client = await this.connect();
    const topic = mqttTopic(sub.target, n);
    await client.publishAsync(topic, JSON.stringify(n.event), { qos: 1, retain: this.retain });
    return { detail: topic };
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await (await c.catch(() => undefined))?.endAsync();
  }

  private connect(): Promise<MqttClient> {
    if (this.client) return this.client;
    // No automatic reconnection: a broker that is down fails this attempt at once (the queue retries it later)
    // instead of a publish waiting forever on a reconnect loop.
    const connecting: Promise<MqttClient> = mqtt
      .connectAsync(this.url, { connectTimeout: this.connectTimeoutMs, reconnectPeriod: 0 }, false)
      .then((client) => {
        client.once('close', () => {
          if (this.client === connecting) this.client = undefined;
        });
        return client;
      })
      .catch((e: unknown) => {
        // Forget a failed connection so the next delivery attempt tries again.
        if (this.client === connecting) this.client = undefined;
        throw e;
      });
    this.client = connecting;
    return connecting;
  }
}
