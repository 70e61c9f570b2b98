// The door: doors, what their cameras decide (a VisitSink), the owner's approvals, and the passcode entry.
// Known visitor (combined similarity ≥ the door's threshold, and registered at this door): a passcode by SMS and
// door.known. Stranger: the best frames are kept and door.unknown goes out (the owner's subscriptions page them with a
// signed, expiring approval link, which the stored event does not carry: owner.link.ts), unless the same stranger is
// already waiting or was denied within the cool-down.
import type { CollectionService } from '../../collections/collection.service.ts';
import type { Clock, IdGenerator } from '../../collections/clock.port.ts';
import { FacegateError } from '../../errors.ts';
import type { DomainEvent } from '../../events/event.types.ts';
import type { Subscription } from '../../notify/notify.types.ts';
import type { Logger } from '../../logger.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import type { Visit, VisitLeft, VisitSink } from '../../streams/visit.types.ts';
import { ensureCollection } from '../ensure.collection.ts';
import { DoorApprovals } from './door.approvals.ts';
import { DoorEntry } from './door.entry.ts';
import type { DoorObserver, DoorSettings, OwnerSubscriptions, PasscodeSender, UnlockAction } from './door.ports.ts';
import type { DoorStore } from './door.store.port.ts';
import { ownerCopy } from './owner.link.ts';
import { doorInputSchema, type Door, type DoorVisit, type Photo, type VisitKind } from './door.types.ts';
import { PasscodeIssuer } from './passcode.issuer.ts';

export type DoorCollections = Pick<
  CollectionService,
  'indexFaces' | 'deleteFaces' | 'createCollection' | 'describeCollection'
>;

export interface DoorServiceDeps {
  store: DoorStore;
  collections: DoorCollections;
  objects: ObjectStore;
  sms: PasscodeSender;
  /** The face engine's calibrated similarity (0–100) of two descriptors. */
  similarity: (a: Float32Array, b: Float32Array) => number;
  clock: Clock;
  ids: IdGenerator;
  /** HMAC key of passcode hashes and approval links. */
  key: string;
  settings: DoorSettings;
  unlock?: UnlockAction;
  owners?: OwnerSubscriptions;
  observer?: DoorObserver;
  logger: Logger;
  /** Called after events were committed (the notification dispatcher's kick). */
  onEvents?: () => void;
  generatePasscode?: () => string;
}

export type VisitOutcome = { kind: VisitKind | 'ignored'; visitorId?: string; pendingId?: string; eventId?: string };

export class DoorService implements VisitSink {
  readonly entry: DoorEntry;
  readonly approvals: DoorApprovals;
  readonly passcodes: PasscodeIssuer;
  /** What a subscriber receives of a door event: door.unknown with its approval link on the owner's channels. */
  readonly ownerCopy: (event: DomainEvent, sub: Subscription) => Promise<DomainEvent>;
  private readonly log: Logger;

  constructor(private readonly deps: DoorServiceDeps) {
    this.log = deps.logger.child({ module: 'door' });
    this.passcodes = new PasscodeIssuer({ ...deps, logger: this.log, generate: deps.generatePasscode });
    this.entry = new DoorEntry({ ...deps, logger: this.log });
    this.approvals = new DoorApprovals({ ...deps, passcodes: this.passcodes, logger: this.log });
    this.ownerCopy = ownerCopy({ store: deps.store, key: deps.key, publicUrl: deps.settings.publicUrl });
  }

  async defineDoor(input: unknown): Promise<Door> {
    const parsed = doorInputSchema.safeParse(input);
    if (!parsed.success) {
      const text = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new FacegateError('INVALID_PARAMETER', text);
    }
    const d = parsed.data;
    const existing = await this.deps.store.getDoor(d.id);
    const wanted: Door = {
      ...d,
      name: d.name ?? d.id,
      collectionId: d.collectionId ?? `door-${d.id}`,
      createdAt: existing?.createdAt ?? this.deps.clock.now(),
    };
    // Owner channels first: a channel this server cannot deliver on refuses the door before anything is stored.
    await this.deps.owners?.ensure(wanted);
    await ensureCollection(this.deps.collections, wanted.collectionId);
    const door = await this.deps.store.putDoor(wanted);
    this.publish(() => this.deps.observer?.doorDefined(door));
    return door;
  }

  /** Home Assistant state is best effort: a broker that is down never fails or delays a door decision. */
  private publish(fn: () => Promise<void> | undefined): void {
    fn()?.catch((e: unknown) => this.log.warn({ err: e }, 'door state not published'));
  }

  async getDoor(id: string): Promise<Door> {
    const door = await this.deps.store.getDoor(id);
    if (!door) throw new FacegateError('NOT_FOUND', `Door ${id} does not exist`);
    return door;
  }

  listDoors(): Promise<Door[]> {
    return this.deps.store.listDoors();
  }

  async deleteDoor(id: string): Promise<void> {
    if (!(await this.deps.store.deleteDoor(id))) throw new FacegateError('NOT_FOUND', `Door ${id} does not exist`);
  }

  get store(): DoorStore {
    return this.deps.store;
  }

  /** VisitSink: never throws (a failed visit must not stop the camera); the failure is logged. */
  async visit(visit: Visit): Promise<void> {
    try {
      await this.handleVisit(visit);
    } catch (e) {
      this.log.error({ err: e, visitId: visit.id, cameraId: visit.cameraId, doorId: visit.doorId }, 'visit failed');
    }
  }

  async left(event: VisitLeft): Promise<void> {
    this.log.debug({ visitId: event.visitId, doorId: event.doorId }, 'visitor left');
    const door = event.doorId ? await this.deps.store.getDoor(event.doorId) : undefined;
    if (door)
      this.publish(() => this.deps.observer?.doorChanged(door, { kind: 'visit', event: 'left', visitor: null }));
  }

  async handleVisit(visit: Visit): Promise<VisitOutcome> {
    const door = visit.doorId ? await this.deps.store.getDoor(visit.doorId) : undefined;
    if (!door) return { kind: 'ignored' };
    const outcome =
      visit.verdict.kind === 'known' && visit.verdict.similarity >= door.threshold
        ? await this.known(door, visit, visit.verdict.similarity)
        : await this.unknown(door, visit);
    this.deps.onEvents?.();
    const who = outcome.visitorId ? ((await this.deps.store.getVisitor(outcome.visitorId))?.name ?? null) : null;
    this.publish(() => this.deps.observer?.doorChanged(door, { kind: 'visit', event: outcome.kind, visitor: who }));
    return outcome;
  }

  private async known(door: Door, visit: Visit, similarity: number): Promise<VisitOutcome> {
    const v = visit.verdict.kind === 'known' ? visit.verdict : undefined;
    const visitor =
      (v && (await this.deps.store.visitorByFace(door.id, v.faceId))) ??
      (await this.visitorById(door, v?.externalImageId)) ??
      (await this.visitorById(door, v?.userId));
    const now = this.deps.clock.now();
    const snapshot = await this.keepSnapshot(visit, `visits/${door.id}/${visit.id}.jpg`);
    const record = (kind: VisitKind, visitorId: string | null): DoorVisit => ({
      id: visit.id,
      doorId: door.id,
      kind,
      visitorId,
      similarity,
      snapshot,
      at: now,
    });
    if (!visitor) {
      // In the collection but not a visitor of this door (indexed by other means): nobody to send a code to.
      await this.deps.store.commit({ visit: record('unregistered', null) }, now);
      return { kind: 'unregistered' };
    }
    const issued = await this.passcodes.issue(door, visitor, { visit: record('known', visitor.id) }, (p) => [
      {
        type: 'door.known',
        collectionId: door.collectionId,
        data: {
          doorId: door.id,
          doorName: door.name,
          visitId: visit.id,
          visitorId: visitor.id,
          visitorName: visitor.name,
          similarity,
          passcodeId: p.id,
          expiresAt: p.expiresAt.toISOString(),
          ...(snapshot
            ? { bucket: snapshot.bucket, thumbnailKey: snapshot.key, snapshotUrl: this.snapshotUrl(door, visit) }
            : {}),
        },
      },
    ]);
    return { kind: 'known', visitorId: visitor.id, eventId: issued.events[0]?.id };
  }

  private async unknown(door: Door, visit: Visit): Promise<VisitOutcome> {
    const now = this.deps.clock.now();
    const base = { id: visit.id, doorId: door.id, visitorId: null, similarity: null, at: now };
    if (await this.alreadyPaged(door, visit.descriptor, now)) {
      await this.deps.store.commit({ visit: { ...base, kind: 'suppressed', snapshot: null } }, now);
      return { kind: 'suppressed' };
    }
    const pendingId = this.deps.ids.uuid();
    const photos: Photo[] = [];
    for (const [i, s] of visit.snapshots.slice(0, 3).entries()) {
      const key = `pending/${door.id}/${pendingId}/${i}.jpg`;
      await this.deps.objects.put(this.deps.settings.bucket, key, s.jpeg);
      photos.push({ bucket: this.deps.settings.bucket, key, createdAt: now });
    }
    // Also the approval link's expiry: the link is computed from the event when it is delivered to the owner.
    const expiresAt = new Date(now.getTime() + this.deps.settings.approvalTtlSeconds * 1000);
    const [event] = await this.deps.store.commit(
      {
        visit: { ...base, kind: 'unknown', snapshot: photos[0] ?? null },
        pending: {
          id: pendingId,
          doorId: door.id,
          visitId: visit.id,
          state: 'pending',
          photos,
          descriptor: visit.descriptor,
          createdAt: now,
          decidedAt: null,
          visitorId: null,
        },
        events: [
          {
            type: 'door.unknown',
            collectionId: door.collectionId,
            data: {
              doorId: door.id,
              doorName: door.name,
              visitId: visit.id,
              pendingId,
              expiresAt: expiresAt.toISOString(),
              ...(photos[0]
                ? { bucket: photos[0].bucket, thumbnailKey: photos[0].key, snapshotUrl: this.snapshotUrl(door, visit) }
                : {}),
            },
          },
        ],
      },
      now,
    );
    return { kind: 'unknown', pendingId, eventId: event?.id };
  }

  /** The same stranger (similarity ≥ the door's threshold) is waiting for a decision, or was denied lately. */
  private async alreadyPaged(door: Door, descriptor: Float32Array, now: Date): Promise<boolean> {
    const same = (d: Float32Array) =>
      d.length === descriptor.length && this.deps.similarity(d, descriptor) >= door.threshold;
    const denied = await this.deps.store.activeDenials(door.id, now);
    if (denied.some((d) => same(d.descriptor))) return true;
    const waiting = await this.deps.store.listPending(door.id, 'pending', 50);
    const live = now.getTime() - this.deps.settings.approvalTtlSeconds * 1000;
    return waiting.some((p) => p.createdAt.getTime() > live && same(p.descriptor));
  }

  /** The visit's best frame over the REST API (an API key is needed to fetch it). */
  private snapshotUrl(door: Door, visit: Visit): string {
    const base = this.deps.settings.publicUrl;
    return `${base}/v1/doors/${encodeURIComponent(door.id)}/visits/${encodeURIComponent(visit.id)}/snapshot`;
  }

  private async visitorById(door: Door, id: string | null | undefined) {
    if (!id) return undefined;
    const v = await this.deps.store.getVisitor(id);
    return v?.doorId === door.id ? v : undefined;
  }

  private async keepSnapshot(visit: Visit, key: string): Promise<Photo | null> {
    const best = visit.snapshots[0];
    if (!best) return null;
    await this.deps.objects.put(this.deps.settings.bucket, key, best.jpeg);
    return { bucket: this.deps.settings.bucket, key, createdAt: this.deps.clock.now() };
  }
}
