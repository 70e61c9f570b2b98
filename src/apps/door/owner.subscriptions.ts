// The owner's channels of a door as notification subscriptions to its door.unknown events (filtered by the door's
// collection, which every door event carries). Idempotent: an existing equal subscription is kept.
import type { NotificationService } from '../../notify/notification.service.ts';
import type { Channel, NotifyStore } from '../../notify/notify.types.ts';
import type { OwnerSubscriptions } from './door.ports.ts';
import type { Door } from './door.types.ts';

/** The door's owner channels that are set, as (channel, target) pairs. */
export function ownerChannels(door: Door): [Channel, string][] {
  const all: [Channel, string | undefined][] = [
    ['sms', door.owner.sms],
    ['email', door.owner.email],
    ['webhook', door.owner.webhook],
    ['mqtt', door.owner.mqtt],
  ];
  return all.flatMap(([channel, target]) => (target ? [[channel, target] as [Channel, string]] : []));
}

export class NotifyOwnerSubscriptions implements OwnerSubscriptions {
  constructor(
    private readonly notifications: Pick<NotificationService, 'subscribe'>,
    private readonly store: Pick<NotifyStore, 'listSubscriptions'>,
  ) {}

  async ensure(door: Door): Promise<void> {
    const existing = await this.store.listSubscriptions();
    for (const [channel, target] of ownerChannels(door)) {
      const have = existing.some(
        (s) =>
          s.channel === channel &&
          s.target === target &&
          s.collectionId === door.collectionId &&
          s.eventTypes.includes('door.unknown'),
      );
      if (have) continue;
      await this.notifications.subscribe({
        channel,
        target,
        eventTypes: ['door.unknown'],
        collectionId: door.collectionId,
        ...(channel === 'webhook' && door.owner.webhookSecret ? { secret: door.owner.webhookSecret } : {}),
      });
    }
  }
}
