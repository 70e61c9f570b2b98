// One MQTT connection for the door's own messages (unlock commands, Home Assistant discovery and state). Opened on
// first use, without automatic reconnection: a broker that is down fails that publish at once, and the next publish
// tries again.
import mqtt, { type MqttClient } from 'mqtt';

export interface MqttPublisher {
  publish(topic: string, payload: string, options?: { retain?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export class MqttConnection implements MqttPublisher {
  private client: Promise<MqttClient> | undefined;

  constructor(
    private readonly url: string,
    private readonly connectTimeoutMs = 5000,
  ) {}

  async publish(topic: string, payload: string, options: { retain?: boolean } = {}): Promise<void> {
    const client = await this.connect();
    await client.publishAsync(topic, payload, { qos: 1, retain: options.retain ?? false });
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await (await c.catch(() => undefined))?.endAsync();
  }

  private connect(): Promise<MqttClient> {
    if (this.client) return this.client;
    const connecting = mqtt
      .connectAsync(this.url, { connectTimeout: this.connectTimeoutMs, reconnectPeriod: 0 }, false)
      .then((client) => {
        client.once('close', () => {
          if (this.client === connecting) this.client = undefined;
        });
        return client;
      })
      .catch((e: unknown) => {
        if (this.client === connecting) this.client = undefined;
        throw e;
      });
    this.client = connecting;
    return connecting;
  }
}
