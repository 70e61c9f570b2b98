// Webhooks: POST the event as JSON, signed so the receiver can check it came from Facegate and is fresh.
// Signature: X-Facegate-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>, with
// X-Facegate-Timestamp in Unix seconds; receivers should reject timestamps older than a few minutes (replay).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { assertWebhookTarget } from './webhook.target.ts';
import type { DeliveryReceipt, Notification, Notifier, Subscription } from './notify.types.ts';

export const SIGNATURE_HEADER = 'x-facegate-signature';
export const TIMESTAMP_HEADER = 'x-facegate-timestamp';

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): true when the signature matches and the timestamp is within `toleranceSec` of now. */
export function verifyWebhook(
  secret: string,
  body: string,
  headers: Record<string, string | string[] | undefined>,
  toleranceSec = 300,
  nowSec: number = Math.floor(Date.now() / 1000),
): boolean {
  const ts = Number(headers[TIMESTAMP_HEADER]);
  const sig = headers[SIGNATURE_HEADER];
  if (!Number.isInteger(ts) || typeof sig !== 'string' || Math.abs(nowSec - ts) > toleranceSec) return false;
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook' as const;

  constructor(
    private readonly timeoutMs: number,
    private readonly nowSec: () => number = () => Math.floor(Date.now() / 1000),
    private readonly allowLinkLocal = false,
  ) {}

  async send(n: Notification, sub: Subscription): Promise<DeliveryReceipt> {
    // Again at delivery: the name may resolve elsewhere than when the subscription was made.
    await assertWebhookTarget(sub.target, this.allowLinkLocal);
    // S3 object events go out as S3 sends them (`{ Records: [...] }`), so S3 receivers read them unchanged.
    const body = JSON.stringify(n.event.type === 'object.created' ? n.event.data : n.event);
    const ts = this.nowSec();
    const res = await fetch(sub.target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Facegate-Webhook/1',
        'x-facegate-event': n.event.type,
        'x-facegate-event-id': n.event.id,
        [TIMESTAMP_HEADER]: String(ts),
        [SIGNATURE_HEADER]: signWebhook(sub.secret ?? '', ts, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // The body is not needed, but it must be consumed so the connection is released.
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status >= 300) {
      throw Object.assign(new Error(`webhook answered HTTP ${res.status}`), { status: res.status });
    }
    return { status: res.status };
  }
}
