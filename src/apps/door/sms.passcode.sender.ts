// Passcode SMS through the existing SMS channel (the provider's HTTP API, or the SMS outbox without one): the
// visitor's number is the message's target, the door's event (when there is one) its event id.
import { randomUUID } from 'node:crypto';
import type { Notifier, Subscription } from '../../notify/notify.types.ts';
import type { PasscodeSender } from './door.ports.ts';

export class SmsPasscodeSender implements PasscodeSender {
  constructor(private readonly sms: Notifier) {}

  async send(to: string, text: string, eventId: string | null): Promise<void> {
    const now = new Date();
    const sub: Subscription = {
      id: 'door-passcode',
      channel: 'sms',
      target: to,
      eventTypes: ['door.known', 'door.approved'],
      collectionId: null,
      pipeline: null,
      secret: null,
      enabled: true,
      createdAt: now,
    };
    // The channel reads the event only for its id (the SMS outbox's link back to the event).
    const event = { id: eventId ?? randomUUID(), type: 'door.known' as const, occurredAt: now.toISOString(), data: {} };
    await this.sms.send({ event, subject: text, text, attachments: [] }, sub);
  }
}
