// The door and its cameras' visit log as holders of personal data, and their retention. A door visitor (name, phone,
// faces, approval photos) is a subject of their own (the visitor id) and is also found from a person's ids and
// faces. Erasing them removes the visitor row, passcodes, the requests approved as them and their photos, their
// faces in the door's collection (vector index included), the door's visits naming them with their snapshots, and
// the camera visits of those same visits (the stranger's frames before the approval too). Their passcode attempts
// stay for the lock-out, without the visitor id. Events and SMS naming them are the pipeline holder's (same
// subject: ids, phone); the audit redaction is the PrivacyService's.
import { FacegateError, isFacegateError } from '../../errors.ts';
import type { ExportedFile, PersonalDataHolder, Subject } from '../../governance/privacy.types.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import type { CameraStore } from '../../streams/camera.store.ts';
import type { VisitRecord } from '../../streams/camera.types.ts';
import type { DoorStore } from './door.store.port.ts';
import type { Photo, Visitor } from './door.types.ts';

export interface DoorPrivacyDeps {
  store: DoorStore;
  objects: ObjectStore;
  /** Removes faces from a collection as an erasure (metadata, vector index; no old page image kept). */
  dropFaces: (collectionId: string, faceIds: string[]) => Promise<void>;
  /** The cameras' visit log; undefined when the cameras part is not running. */
  cameras?: () => Promise<CameraStore | undefined>;
}

/** Door retention cutoffs (epoch ms): what is older goes. */
export interface DoorCutoffs {
  unknownFrames?: number;
  visits?: number;
  attempts?: number;
}

const BATCH = 500;
/** Bounded loops: at most this many batches per kind and run (the next run goes on). */
const MAX_BATCHES = 200;

export class DoorPrivacy {
  constructor(private readonly deps: DoorPrivacyDeps) {}

  /** The subject a visitor is: NOT_FOUND when the visitor (of that door, when given) does not exist. */
  async visitorSubject(visitorId: string, doorId?: string): Promise<Subject> {
    const v = await this.deps.store.getVisitor(visitorId);
    if (!v || (doorId !== undefined && v.doorId !== doorId))
      throw new FacegateError('NOT_FOUND', `Visitor ${visitorId} does not exist`);
    const door = await this.deps.store.getDoor(v.doorId);
    return {
      personId: v.id,
      collectionId: door?.collectionId ?? `door-${v.doorId}`,
      faceIds: v.faceIds,
      externalIds: [v.id],
      phones: [v.phone],
    };
  }

  /**
   * A person's subject widened by the door visitors linked to them (same id or faces): their ids, faces and phone,
   * so that the other holders (events, SMS, camera visits) and the audit redaction find them too.
   */
  async linked(s: Subject): Promise<Subject> {
    const out = { ...s, faceIds: [...s.faceIds], externalIds: [...s.externalIds], phones: [...s.phones] };
    for (const v of await this.visitors(s)) {
      out.faceIds.push(...v.faceIds.filter((f) => !out.faceIds.includes(f)));
      if (!out.externalIds.includes(v.id)) out.externalIds.push(v.id);
      if (!out.phones.includes(v.phone)) out.phones.push(v.phone);
    }
    return out;
  }

  private visitors(s: Subject): Promise<Visitor[]> {
    return this.deps.store.privacy.visitorsNaming([...new Set([s.personId, ...s.externalIds])], s.faceIds);
  }

  /** Everything kept about one visitor: rows, the objects they point to, the camera visits of their visits. */
  private async gather(v: Visitor) {
    const p = this.deps.store.privacy;
    const [passcodes, pending, visits, attempts] = [
      await p.passcodesOf(v.id),
      await p.pendingOf(v.id),
      await p.visitsOf(v.id),
      await p.attemptsOf(v.id),
    ];
    const cameraStore = await this.deps.cameras?.();
    const cameraVisits: VisitRecord[] = [];
    if (cameraStore) {
      const ids = new Set([...visits.map((x) => x.id), ...pending.map((x) => x.visitId)]);
      for (const id of ids) {
        const c = await cameraStore.getVisit(id);
        if (c) cameraVisits.push(c);
      }
    }
    const objects = new Map<string, Photo | VisitRecord['snapshot']>();
    for (const ph of [...v.photos, ...pending.flatMap((x) => x.photos)]) objects.set(`${ph.bucket}/${ph.key}`, ph);
    for (const x of visits) if (x.snapshot) objects.set(`${x.snapshot.bucket}/${x.snapshot.key}`, x.snapshot);
    for (const c of cameraVisits) objects.set(`${c.snapshot.bucket}/${c.snapshot.key}`, c.snapshot);
    return { passcodes, pending, visits, attempts, cameraVisits, objects: [...objects.values()], cameraStore };
  }

  holder(): PersonalDataHolder {
    return {
      name: 'door',
      export: async (s) => {
        const records = [];
        const files: ExportedFile[] = [];
        for (const v of await this.visitors(s)) {
          const g = await this.gather(v);
          const { passcodes, pending, visits, attempts, cameraVisits, objects } = g;
          // Descriptors are not exported (as for people): the request's photos are.
          const requests = pending.map(({ descriptor, ...r }) => (void descriptor, r));
          records.push({ visitor: v, passcodes, pending: requests, visits, attempts, cameraVisits });
          for (const o of objects) {
            const got = await this.deps.objects.get(o.bucket, o.key);
            if (got) files.push({ name: `door/${o.bucket}/${o.key}`, bytes: got.body });
          }
        }
        return { records: { visitors: records }, files };
      },
      erase: async (s) => {
        let n = 0;
        for (const v of await this.visitors(s)) {
          const g = await this.gather(v);
          const door = await this.deps.store.getDoor(v.doorId);
          if (door && v.faceIds.length) await this.dropFaces(door.collectionId, v.faceIds);
          for (const o of g.objects) await this.deps.objects.delete(o.bucket, o.key);
          if (g.cameraStore) n += await g.cameraStore.deleteVisits(g.cameraVisits.map((c) => c.id));
          // Rows last: they are how a failed erasure finds the rest again on retry.
          n += v.faceIds.length + g.objects.length + (await this.deps.store.privacy.eraseVisitor(v.id));
        }
        return n;
      },
    };
  }

  private async dropFaces(collectionId: string, faceIds: string[]): Promise<void> {
    try {
      await this.deps.dropFaces(collectionId, faceIds);
    } catch (e) {
      // The door's collection was deleted: its faces went with it.
      if (!(isFacegateError(e) && e.code === 'NOT_FOUND')) throw e;
    }
  }

  /**
   * Retention of one door. `unknownFrames`: requests never approved (pending, denied) with their photos, and the
   * snapshots of visits that were not a visitor's (unknown, unregistered); the visit rows stay. `visits`: visit rows
   * with the snapshots they own (`visits/…`; an unknown visit's snapshot is its request's photo, which is either a
   * stranger's frame or, once approved, the visitor's photo). `attempts`: the passcode attempts audit.
   */
  async purge(doorId: string, c: DoorCutoffs, now: number): Promise<Record<string, number>> {
    const p = this.deps.store.privacy;
    const out: Record<string, number> = {};
    const drop = async (ph: { bucket: string; key: string }) => this.deps.objects.delete(ph.bucket, ph.key);
    if (c.unknownFrames !== undefined) {
      const before = new Date(c.unknownFrames);
      let frames = 0;
      let requests = 0;
      for (let i = 0; i < MAX_BATCHES; i++) {
        const due = await p.undecidedBefore(doorId, before, BATCH);
        for (const ph of due.flatMap((r) => r.photos)) {
          await drop(ph);
          frames++;
        }
        requests += await p.deletePending(
          doorId,
          due.map((r) => r.id),
          new Date(now),
        );
        if (due.length < BATCH) break;
      }
      // Visits that were nobody's: their snapshots go, the rows stay (until `visits`).
      for (let i = 0; i < MAX_BATCHES; i++) {
        const due = await p.strangerSnapshotsBefore(doorId, before, BATCH);
        for (const v of due) {
          if (!v.snapshot?.key.startsWith('visits/')) continue;
          await drop(v.snapshot);
          frames++;
        }
        await p.clearSnapshots(due.map((v) => v.id));
        if (due.length < BATCH) break;
      }
      out.unknownFrames = frames;
      out.requests = requests;
    }
    if (c.visits !== undefined) {
      const before = new Date(c.visits);
      let n = 0;
      for (let i = 0; i < MAX_BATCHES; i++) {
        const due = await p.visitsBefore(doorId, before, BATCH);
        for (const v of due) if (v.snapshot?.key.startsWith('visits/')) await drop(v.snapshot);
        n += await p.deleteVisits(due.map((v) => v.id));
        if (due.length < BATCH) break;
      }
      out.visits = n;
    }
    if (c.attempts !== undefined) out.attempts = await p.deleteAttemptsBefore(doorId, new Date(c.attempts));
    return out;
  }
}

/** The doors as retention places (RetentionService): each door's unknownFrames, visits and attempts schedules. */
export function doorPlaces(
  privacy: DoorPrivacy,
  doors: () => Promise<{ id: string }[]>,
): {
  names(): Promise<string[]>;
  purge(id: string, cutoffs: DoorCutoffs, now: number): Promise<Record<string, number>>;
} {
  return {
    names: async () => (await doors()).map((d) => d.id),
    purge: (id, cutoffs, now) => privacy.purge(id, cutoffs, now),
  };
}
