// Domain events: what happened, once, in the words of the domain. They are written to the outbox in the same
// transaction as the change they describe, then delivered to subscribed channels (src/notify).
import { z } from 'zod';

export const EVENT_TYPES = [
  'pipeline.started',
  'pipeline.succeeded',
  'pipeline.failed',
  'face.indexed',
  'face.matched',
  'face.unknown',
  /** An object was written through the S3 endpoint; `data` is an S3 event notification (`Records[].s3`). */
  'object.created',
  // The door (apps/door): a known visitor got a passcode; a stranger awaits the owner; the owner decided; it opened.
  'door.known',
  'door.unknown',
  'door.approved',
  'door.denied',
  'door.opened',
] as const;

export const eventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof eventTypeSchema>;

export const domainEventSchema = z.object({
  id: z.uuid(),
  type: eventTypeSchema,
  occurredAt: z.iso.datetime(),
  collectionId: z.string().optional(),
  pipeline: z.string().optional(),
  runId: z.string().optional(),
  /** Event-specific fields (user, faceId, reasons, object keys …); JSON only. */
  data: z.record(z.string(), z.unknown()),
});
export type DomainEvent = z.infer<typeof domainEventSchema>;

/** An event before the outbox gives it an id and a time. */
export type NewEvent = Omit<DomainEvent, 'id' | 'occurredAt'>;

export interface StoredEvent extends DomainEvent {
  /** Outbox order (monotonic within one database). */
  seq: number;
  dispatchedAt: string | null;
}

export interface EventFilter {
  type?: EventType;
  collectionId?: string;
  pipeline?: string;
  runId?: string;
  /** Events with seq below this (pagination, newest first). */
  beforeSeq?: number;
  limit?: number;
}

/** The outbox as the dispatcher and the API see it. Appending happens inside the writers' own transactions. */
export interface EventOutbox {
  /** Oldest first, not yet fanned out to subscriptions. */
  undispatched(limit: number): Promise<StoredEvent[]>;
  markDispatched(seqs: number[]): Promise<void>;
  get(id: string): Promise<StoredEvent | undefined>;
  /** Newest first. */
  list(filter?: EventFilter): Promise<StoredEvent[]>;
}
