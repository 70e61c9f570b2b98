// SMS through a Twilio-style HTTP API: POST application/x-www-form-urlencoded To, From, Body with HTTP basic auth
// (account SID : auth token). Without a provider URL the message is kept in the SMS outbox table, which the console
// shows: a laptop install still "sends" and the owner can read what would have gone out.
import type { DeliveryReceipt, Notification, Notifier, NotifyStore, Subscription } from './notify.types.ts';

export interface SmsSettings {
  url?: string;
  accountSid?: string;
  authToken?: string;
  from?: string;
}

export class SmsNotifier implements Notifier {
  readonly channel = 'sms' as const;

  constructor(
    private readonly settings: SmsSettings,
    private readonly store: NotifyStore,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(n: Notification, sub: Subscription): Promise<DeliveryReceipt> {
    // SMS is short: the subject is the message.
    const body = n.subject.slice(0, 320);
    if (!this.settings.url) {
      const msg = await this.store.addSms({ to: sub.target, body, eventId: n.event.id });
      return { detail: `stored in the SMS outbox (${msg.id}); no provider configured` };
    }
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (this.settings.accountSid) {
      const basic = Buffer.from(`${this.settings.accountSid}:${this.settings.authToken ?? ''}`).toString('base64');
      headers.authorization = `Basic ${basic}`;
    }
    const res = await fetch(this.settings.url, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ To: sub.target, From: this.settings.from ?? '', Body: body }).toString(),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    if (res.status < 200 || res.status >= 300) {
      throw Object.assign(new Error(`SMS provider answered HTTP ${res.status}: ${text.slice(0, 200)}`), {
        status: res.status,
      });
    }
    return { status: res.status };
  }
}
