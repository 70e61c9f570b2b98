// Delivery targets for stream processor records, from the config's `streams.targets`: each maps a Kinesis Data
// Stream name to a webhook (the record as JSON, or the Lambda Kinesis-trigger envelope, signed like Facegate's
// webhooks when a secret is set) or an MQTT topic.
import { z } from 'zod';
import { signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../notify/webhook.notifier.ts';
import type { MqttPublisher } from '../../notify/mqtt.publisher.ts';
import { lambdaEnvelope } from './kinesis.record.ts';
import type { RecordTarget } from './processor.types.ts';

export const targetSchema = z.union([
  z.object({
    stream: z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/),
    webhook: z.url(),
    /** record: POST each record as JSON; lambda: POST `{Records:[{kinesis:{data: base64(record)}}]}`. */
    envelope: z.enum(['record', 'lambda']).default('record'),
    secret: z.string().min(16).optional(),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  }),
  z.object({
    stream: z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/),
    mqttTopic: z.string().min(1).max(1024),
  }),
]);
export type TargetSpec = z.infer<typeof targetSchema>;

export function webhookTarget(
  spec: Extract<TargetSpec, { webhook: string }>,
  ctx: { region: string; account: string },
): RecordTarget {
  let sequence = 0n;
  const outputArn = `arn:aws:kinesis:${ctx.region}:${ctx.account}:stream/${spec.stream}`;
  return {
    async send(record) {
      const body = JSON.stringify(
        spec.envelope === 'lambda'
          ? lambdaEnvelope([record], { outputArn, region: ctx.region, sequence: () => String(++sequence) })
          : record,
      );
      const ts = Math.floor(Date.now() / 1000);
      const res = await fetch(spec.webhook, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Facegate-StreamProcessor/1',
          ...(spec.secret && {
            [TIMESTAMP_HEADER]: String(ts),
            [SIGNATURE_HEADER]: signWebhook(spec.secret, ts, body),
          }),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(spec.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`stream target ${spec.stream} answered HTTP ${res.status}`);
    },
  };
}

export function mqttTarget(spec: Extract<TargetSpec, { mqttTopic: string }>, mqtt: MqttPublisher): RecordTarget {
  return { send: (record) => mqtt.publish(spec.mqttTopic, JSON.stringify(record), { retain: false }) };
}
