// What the door service needs from the outside, each a small port: the passcode SMS, the unlock action, the owner's
// subscriptions, and observers of door state (Home Assistant). Drivers live beside them (sms.passcode.sender.ts,
// unlock.actions.ts, owner.subscriptions.ts, door.homeassistant.ts).
import type { Door, Visitor } from './door.types.ts';

export interface PasscodeSender {
  /** Resolves once the SMS channel (provider or the SMS outbox) accepted the message; throws when it did not. */
  send(to: string, text: string, eventId: string | null): Promise<void>;
}

export interface UnlockAction {
  /** Fires the door's configured unlock (webhook POST and/or MQTT command); throws when one failed. */
  unlock(door: Door, visitor: Visitor): Promise<void>;
}

export interface OwnerSubscriptions {
  /** Makes sure each of the door's owner channels is subscribed to its door.unknown events (idempotent). */
  ensure(door: Door): Promise<void>;
}

export type DoorState = { kind: 'opened'; visitor: string } | { kind: 'visit'; event: string; visitor: string | null };

export interface DoorObserver {
  doorDefined(door: Door): Promise<void>;
  doorChanged(door: Door, state: DoorState): Promise<void>;
}

export interface DoorSettings {
  passcodeTtlSeconds: number;
  approvalTtlSeconds: number;
  /** Base of the links sent out (approval page, door page), without a trailing slash. */
  publicUrl: string;
  /** Failed attempts from one address at one door before it is locked out. */
  maxFailures: number;
  /** Failed attempts at one door from all addresses before the door itself is locked out. */
  doorMaxFailures: number;
  /** First lock-out; doubles with each further failure, up to maxLockoutSeconds. */
  lockoutSeconds: number;
  maxLockoutSeconds: number;
  /** A denied stranger does not page the owner again for this long. */
  denyCooldownSeconds: number;
  /** Object store bucket of door snapshots and visitor photos. */
  bucket: string;
}
