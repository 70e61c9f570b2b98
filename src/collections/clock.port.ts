// Time and identifiers as ports, so that services are deterministic under test.
import { randomUUID } from 'node:crypto';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A lowercase RFC 4122 UUID (FaceId, ImageId). */
  uuid(): string;
}

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: IdGenerator = { uuid: () => randomUUID() };
