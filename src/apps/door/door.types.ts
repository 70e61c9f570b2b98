// The door's records: doors, visitors, passcodes (hashes only), pending unknown visits, denials, known visits and the
// attempts audit. Times are Dates; similarity is 0–100; descriptors are unit-length Float32Arrays.
import { z } from 'zod';

const id = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1–64)');

/** A door as the config file and POST /v1/doors define it. */
export const doorInputSchema = z.object({
  id,
  name: z.string().min(1).max(128).optional(),
  /** The collection its camera searches and approved faces are indexed into (default `door-<id>`). */
  collectionId: id.optional(),
  /** Combined similarity (0–100) a visit needs to count as a known visitor. */
  threshold: z.coerce.number().min(0).max(100).default(80),
  /** Who is paged about strangers: each present channel becomes a subscription to door.unknown of this door. */
  owner: z
    .object({
      sms: z
        .string()
        .regex(/^\+[1-9][0-9]{6,14}$/, 'an E.164 number like +15551234567')
        .optional(),
      email: z.email().optional(),
      webhook: z.url().optional(),
      /** The webhook's HMAC key (X-Facegate-Signature), so the receiver can check it; generated when absent. */
      webhookSecret: z.string().min(16).max(256).optional(),
      /** MQTT topic prefix (events go to <prefix>/<collection>/door.unknown). */
      mqtt: z.string().min(1).max(256).optional(),
    })
    .default({}),
  /** Fired after a passcode opens the door: a webhook POST and/or an MQTT command. */
  unlock: z
    .object({
      webhook: z.url().optional(),
      mqttTopic: z.string().min(1).max(256).optional(),
      mqttPayload: z.string().max(1024).default('UNLOCK'),
    })
    .default({ mqttPayload: 'UNLOCK' }),
  /** Second factor: > 0 requires a recognised visit of the same visitor at this door within that many seconds. */
  secondFactorSeconds: z.coerce.number().int().min(0).max(86_400).default(0),
});
export type DoorInput = z.input<typeof doorInputSchema>;
export type DoorDefinition = z.output<typeof doorInputSchema>;

export interface Door extends Omit<DoorDefinition, 'name' | 'collectionId'> {
  name: string;
  collectionId: string;
  createdAt: Date;
}

export interface Photo {
  bucket: string;
  key: string;
  createdAt: Date;
}

export interface Visitor {
  id: string;
  doorId: string;
  name: string;
  /** E.164. */
  phone: string;
  faceIds: string[];
  photos: Photo[];
  createdAt: Date;
}

export interface Passcode {
  id: string;
  visitorId: string;
  doorId: string;
  /** HMAC-SHA256(key, doorId:code), hex: the code itself is never stored. */
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  /** When the SMS carrying it was accepted by the channel; null = not (yet) sent. */
  sentAt: Date | null;
}

export type PendingState = 'pending' | 'approved' | 'denied';

/** An unknown visitor waiting for the owner's decision. */
export interface PendingVisit {
  id: string;
  doorId: string;
  visitId: string;
  state: PendingState;
  photos: Photo[];
  /** The track's combined descriptor (recognising the same stranger again, registering by descriptor). */
  descriptor: Float32Array;
  createdAt: Date;
  decidedAt: Date | null;
  visitorId: string | null;
}

export interface Denial {
  id: string;
  doorId: string;
  pendingId: string;
  descriptor: Float32Array;
  deniedAt: Date;
  /** The same stranger does not page the owner again before this. */
  until: Date;
}

export type VisitKind = 'known' | 'unknown' | 'unregistered' | 'suppressed';

/** One decision of the door's camera, as the door saw it. */
export interface DoorVisit {
  id: string;
  doorId: string;
  kind: VisitKind;
  visitorId: string | null;
  similarity: number | null;
  snapshot: Photo | null;
  at: Date;
}

export type AttemptOutcome = 'granted' | 'wrong' | 'expired' | 'used' | 'locked' | 'no-face';

export interface Attempt {
  at: Date;
  doorId: string;
  outcome: AttemptOutcome;
  /** The client address (as the server saw it). */
  address: string;
  visitorId: string | null;
}
