// The unlock action of a door, after a passcode opened it: a JSON POST to its webhook (what a Home Assistant
// automation or a lock controller listens to) and/or its MQTT command topic with its payload.
import type { UnlockAction } from './door.ports.ts';
import type { Door, Visitor } from './door.types.ts';
import type { MqttPublisher } from '../../notify/mqtt.publisher.ts';

export class DoorUnlockActions implements UnlockAction {
  constructor(
    private readonly mqtt: MqttPublisher | undefined,
    private readonly timeoutMs = 10_000,
  ) {}

  async unlock(door: Door, visitor: Visitor): Promise<void> {
    const failures: string[] = [];
    if (door.unlock.webhook) {
      try {
        const res = await fetch(door.unlock.webhook, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Facegate-Door/1' },
          body: JSON.stringify({ action: 'unlock', doorId: door.id, visitorId: visitor.id, visitorName: visitor.name }),
          redirect: 'manual',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status < 200 || res.status >= 300) failures.push(`webhook answered HTTP ${res.status}`);
      } catch (e) {
        failures.push(`webhook: ${(e as Error).message}`);
      }
    }
    if (door.unlock.mqttTopic) {
      if (!this.mqtt) failures.push('MQTT unlock needs FACEGATE_MQTT_URL');
      else
        await this.mqtt.publish(door.unlock.mqttTopic, door.unlock.mqttPayload).catch((e: unknown) => {
          failures.push(`mqtt: ${(e as Error).message}`);
        });
    }
    if (failures.length) throw new Error(`unlock of door ${door.id} failed: ${failures.join('; ')}`);
  }
}
