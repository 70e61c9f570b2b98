// The owner's decision on a stranger, from the signed link alone or from the console. Approve: the stored best
// frames are indexed into the door's collection (external image id = the new visitor's id, so the camera's matches
// name them), then the visitor, the decision, their passcode and door.approved commit in one transaction, and the
// passcode goes out by SMS. Deny: the decision and a denial (the stranger's descriptor, until the cool-down ends)
// commit together. A request is decided once; a second decision is CONFLICT.
import { z } from 'zod';
import type { Clock, IdGenerator } from '../../collections/clock.port.ts';
import { FacegateError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import type { DoorCollections } from './door.service.ts';
import type { DoorSettings } from './door.ports.ts';
import type { DoorStore } from './door.store.port.ts';
import type { Door, PendingVisit, Visitor } from './door.types.ts';
import type { PasscodeIssuer } from './passcode.issuer.ts';
import { verifyApproval } from './passcode.crypto.ts';

export const approveInputSchema = z.object({
  name: z.string().trim().min(1).max(128),
  phone: z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'an E.164 number like +15551234567'),
});
export type ApproveInput = z.infer<typeof approveInputSchema>;

export interface DoorApprovalsDeps {
  store: DoorStore;
  collections: DoorCollections;
  objects: ObjectStore;
  passcodes: PasscodeIssuer;
  clock: Clock;
  ids: IdGenerator;
  key: string;
  settings: DoorSettings;
  logger: Logger;
  onEvents?: () => void;
}

export class DoorApprovals {
  constructor(private readonly deps: DoorApprovalsDeps) {}

  /** The request a link points at; ACCESS_DENIED for a forged or expired link. */
  async byToken(token: string): Promise<{ door: Door; pending: PendingVisit }> {
    return this.load(verifyApproval(this.deps.key, token, this.deps.clock.now()));
  }

  async load(pendingId: string): Promise<{ door: Door; pending: PendingVisit }> {
    const pending = await this.deps.store.getPending(pendingId);
    const door = pending && (await this.deps.store.getDoor(pending.doorId));
    if (!pending || !door) throw new FacegateError('NOT_FOUND', `Request ${pendingId} does not exist`);
    return { door, pending };
  }

  async photo(pendingId: string, index: number): Promise<Uint8Array> {
    const { pending } = await this.load(pendingId);
    const p = pending.photos[index];
    const obj = p && (await this.deps.objects.get(p.bucket, p.key));
    if (!obj) throw new FacegateError('NOT_FOUND', `Photo ${index} of request ${pendingId} does not exist`);
    return obj.body;
  }

  async approve(pendingId: string, input: unknown): Promise<{ visitor: Visitor; passcodeSent: boolean }> {
    const parsed = approveInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new FacegateError(
        'INVALID_PARAMETER',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    const { door, pending } = await this.load(pendingId);
    if (pending.state !== 'pending')
      throw new FacegateError('CONFLICT', `Request ${pendingId} was ${pending.state} already`);
    const visitorId = this.deps.ids.uuid();
    const faceIds = await this.indexPhotos(door, pending, visitorId);
    const now = this.deps.clock.now();
    const visitor: Visitor = {
      id: visitorId,
      doorId: door.id,
      name: parsed.data.name,
      phone: parsed.data.phone,
      faceIds,
      photos: pending.photos,
      createdAt: now,
    };
    try {
      const issued = await this.deps.passcodes.issue(
        door,
        visitor,
        { visitor, decide: { pendingId, state: 'approved', visitorId, at: now } },
        (p) => [
          {
            type: 'door.approved',
            collectionId: door.collectionId,
            data: {
              doorId: door.id,
              doorName: door.name,
              pendingId,
              visitorId,
              visitorName: visitor.name,
              faceIds,
              passcodeId: p.id,
              expiresAt: p.expiresAt.toISOString(),
              ...(pending.photos[0] ? { bucket: pending.photos[0].bucket, thumbnailKey: pending.photos[0].key } : {}),
            },
          },
        ],
      );
      this.deps.onEvents?.();
      return { visitor, passcodeSent: issued.sent };
    } catch (e) {
      // The decision went the other way meanwhile (or the commit failed): the faces indexed for nobody go again.
      await this.deps.collections
        .deleteFaces({ collectionId: door.collectionId, faceIds })
        .catch((err: unknown) => this.deps.logger.error({ err, faceIds }, 'orphan faces not deleted'));
      throw e;
    }
  }

  async deny(pendingId: string): Promise<void> {
    const { door, pending } = await this.load(pendingId);
    if (pending.state !== 'pending')
      throw new FacegateError('CONFLICT', `Request ${pendingId} was ${pending.state} already`);
    const now = this.deps.clock.now();
    await this.deps.store.commit(
      {
        decide: { pendingId, state: 'denied', visitorId: null, at: now },
        denial: {
          id: this.deps.ids.uuid(),
          doorId: door.id,
          pendingId,
          descriptor: pending.descriptor,
          deniedAt: now,
          until: new Date(now.getTime() + this.deps.settings.denyCooldownSeconds * 1000),
        },
        events: [
          {
            type: 'door.denied',
            collectionId: door.collectionId,
            data: { doorId: door.id, doorName: door.name, pendingId },
          },
        ],
      },
      now,
    );
    this.deps.onEvents?.();
  }

  /** Indexes the best frames (largest face of each) into the door's collection; NO_FACE when none had one. */
  private async indexPhotos(door: Door, pending: PendingVisit, visitorId: string): Promise<string[]> {
    const faceIds: string[] = [];
    for (const p of pending.photos) {
      const obj = await this.deps.objects.get(p.bucket, p.key);
      if (!obj) continue;
      const r = await this.deps.collections.indexFaces({
        collectionId: door.collectionId,
        image: { bytes: obj.body },
        externalImageId: visitorId,
        maxFaces: 1,
        qualityFilter: 'NONE',
      });
      faceIds.push(...r.faceRecords.map((f) => f.face.faceId));
    }
    if (faceIds.length === 0)
      throw new FacegateError('NO_FACE', "No face could be registered from this visit's photos");
    return faceIds;
  }
}
