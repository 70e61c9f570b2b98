// The approval link is a bearer capability: whoever holds it decides a pending request. So it is not part of the
// stored door.unknown event (GET /v1/events lists events to every reader): it is computed again, from the event's
// pending id and expiry and the door's HMAC key, into the copy of the event delivered to the door owner's own channels
// (the subscriptions the door's `owner` settings made). Any other subscriber gets the event as stored.
import type { DomainEvent } from '../../events/event.types.ts';
import type { Subscription } from '../../notify/notify.types.ts';
import type { DoorStore } from './door.store.port.ts';
import { ownerChannels } from './owner.subscriptions.ts';
import { signApproval } from './passcode.crypto.ts';

export const approvalUrl = (publicUrl: string, token: string): string =>
  `${publicUrl}/approve?token=${encodeURIComponent(token)}`;

export function ownerCopy(deps: { store: Pick<DoorStore, 'getDoor'>; key: string; publicUrl: string }) {
  return async (event: DomainEvent, sub: Subscription): Promise<DomainEvent> => {
    if (event.type !== 'door.unknown') return event;
    const { doorId, pendingId, expiresAt } = event.data;
    if (typeof doorId !== 'string' || typeof pendingId !== 'string' || typeof expiresAt !== 'string') return event;
    const door = await deps.store.getDoor(doorId);
    const owner =
      door !== undefined &&
      sub.collectionId === door.collectionId &&
      ownerChannels(door).some(([channel, target]) => channel === sub.channel && target === sub.target);
    if (!owner) return event;
    const token = signApproval(deps.key, pendingId, new Date(expiresAt));
    return { ...event, data: { ...event.data, approvalUrl: approvalUrl(deps.publicUrl, token) } };
  };
}
