// The MqttPublisher port and its mqtt.js driver, for every part that publishes to MQTT: notifications, the door's
// unlock commands and Home Assistant state, stream processor records and camera discovery. One connection, opened on
// first use, reconnecting on the next publish after a failure (never a publish that waits for ever: connect and
// publish are bounded by timeoutMs).
import mqtt, { type MqttClient } from 'mqtt';

export interface MqttPublisher {
  publish(topic: string, payload: string | Buffer, options?: { retain?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export function mqttPublisher(url: string, timeoutMs = 5000): MqttPublisher {
  let client: Promise<MqttClient> | undefined;
  const connect = () => {
    const c = mqtt.connectAsync(url, { connectTimeout: timeoutMs, reconnectPeriod: 0 }, false);
    c.then(
      (cl) => cl.once('close', () => (client === c ? (client = undefined) : undefined)),
      () => (client === c ? (client = undefined) : undefined),
    );
    return c;
  };
  return {
    async publish(topic, payload, options = {}) {
      client ??= connect();
      const cl = await client;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`MQTT publish to ${topic} timed out`)), timeoutMs);
      });
      try {
        await Promise.race([cl.publishAsync(topic, payload, { qos: 1, retain: options.retain ?? false }), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      const c = client;
      client = undefined;
      if (c) await (await c.catch(() => undefined))?.endAsync();
    },
  };
}
