// Subscriptions (who hears which events, on which channel), deliveries (one per event × subscription, with an
// attempt log) and the Notifier port each channel implements.
import { z } from 'zod';
import { EVENT_TYPES, type DomainEvent } from '../events/event.types.ts';

export const CHANNELS = ['webhook', 'email', 'sms', 'mqtt', 'sns'] as const;
export type Channel = (typeof CHANNELS)[number];

const filterId = z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/);

export const subscriptionInputSchema = z.object({
  channel: z.enum(CHANNELS),
  /** webhook: URL; email: address; sms: E.164 number; mqtt: topic prefix (default "facegate"); sns: topic ARN. */
  target: z.string().min(1).max(2048),
  /** Event types, or "*" for all. */
  eventTypes: z
    .array(z.enum([...EVENT_TYPES, '*']))
    .min(1)
    .default(['*']),
  collectionId: filterId.optional(),
  pipeline: filterId.optional(),
  /** Webhook HMAC key; generated when absent and shown once, at creation. */
  secret: z.string().min(16).max(256).optional(),
});
export type SubscriptionInput = z.input<typeof subscriptionInputSchema>;

export interface Subscription {
  id: string;
  channel: Channel;
  target: string;
  eventTypes: string[];
  collectionId: string | null;
  pipeline: string | null;
  secret: string | null;
  enabled: boolean;
  createdAt: Date;
}

export type DeliveryState = 'pending' | 'delivered' | 'dead';

export interface DeliveryAttempt {
  attempt: number;
  at: Date;
  ok: boolean;
  /** HTTP status where the channel has one. */
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  subscriptionId: string;
  channel: Channel;
  state: DeliveryState;
  attempts: DeliveryAttempt[];
  createdAt: Date;
  updatedAt: Date;
}

export interface SmsMessage {
  id: string;
  to: string;
  body: string;
  eventId: string | null;
  createdAt: Date;
}

export interface NotifyStore {
  createSubscription(input: Omit<Subscription, 'createdAt' | 'enabled'>): Promise<Subscription>;
  getSubscription(id: string): Promise<Subscription | undefined>;
  listSubscriptions(): Promise<Subscription[]>;
  deleteSubscription(id: string): Promise<boolean>;
  /** Enabled subscriptions whose filters accept the event. */
  matching(event: DomainEvent): Promise<Subscription[]>;
  /** One delivery per (event, subscription), whatever the number of calls; returns its id. */
  createDelivery(event: DomainEvent, sub: Subscription): Promise<string>;
  getDelivery(id: string): Promise<Delivery | undefined>;
  listDeliveries(filter?: {
    subscriptionId?: string;
    state?: DeliveryState;
    eventId?: string;
    limit?: number;
  }): Promise<Delivery[]>;
  /** A dead delivery back to pending (manual redelivery); false when it was not dead. */
  reopenDelivery(id: string): Promise<boolean>;
  /** Logs one attempt and moves the delivery to `state`. */
  recordAttempt(id: string, attempt: DeliveryAttempt, state: DeliveryState): Promise<void>;
  addSms(msg: Omit<SmsMessage, 'id' | 'createdAt'>): Promise<SmsMessage>;
  listSms(limit?: number): Promise<SmsMessage[]>;
}

/** What a channel sends: the event plus a human rendering of it. */
export interface Notification {
  event: DomainEvent;
  subject: string;
  text: string;
  attachments: { filename: string; content: Uint8Array; contentType: string }[];
}

export interface DeliveryReceipt {
  status?: number;
  detail?: string;
}

/** One per channel. `send` resolves once the channel accepted the message and throws when it did not. */
export interface Notifier {
  readonly channel: Channel;
  send(notification: Notification, subscription: Subscription): Promise<DeliveryReceipt>;
  close?(): Promise<void>;
}
