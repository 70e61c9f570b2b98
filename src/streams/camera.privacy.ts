// The cameras' visit log as a holder of personal data, and its retention. A visit names the face, user and external
// image id its track matched, and points at its best frame (bucket `camera-visits`). Export: the visits naming the
// subject with their frames; erasure: the frames, then the rows. Retention: visits older than the camera's
// `visits` schedule, with their frames. Visits a door recorded for its visitors are erased by the door's holder too
// (door.privacy.ts: by visit id, which also covers the stranger's visit before an approval).
import type { PersonalDataHolder, Subject } from '../governance/privacy.types.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import type { CameraStore } from './camera.store.ts';

const BATCH = 500;
const MAX_BATCHES = 200;

const idsOf = (s: Subject) => [...new Set([s.personId, ...s.faceIds, ...s.externalIds])];

/** `store` resolves to undefined when the cameras part is not running (nothing to export or erase then). */
export function cameraHolder(store: () => Promise<CameraStore | undefined>, objects: ObjectStore): PersonalDataHolder {
  return {
    name: 'cameras',
    export: async (s) => {
      const st = await store();
      const visits = st ? await st.visitsNaming(idsOf(s)) : [];
      const files = [];
      for (const v of visits) {
        const got = await objects.get(v.snapshot.bucket, v.snapshot.key);
        if (got) files.push({ name: `cameras/${v.snapshot.bucket}/${v.snapshot.key}`, bytes: got.body });
      }
      return { records: { visits }, files };
    },
    erase: async (s) => {
      const st = await store();
      if (!st) return 0;
      const visits = await st.visitsNaming(idsOf(s));
      for (const v of visits) await objects.delete(v.snapshot.bucket, v.snapshot.key);
      return visits.length + (await st.deleteVisits(visits.map((v) => v.id)));
    },
  };
}

/** Removes the camera's visits decided before `before` (epoch ms) with their frames; returns how many went. */
export async function purgeCameraVisits(
  store: CameraStore,
  objects: ObjectStore,
  cameraId: string,
  before: number,
): Promise<number> {
  let n = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const due = await store.visitsBefore(cameraId, new Date(before), BATCH);
    for (const v of due) await objects.delete(v.snapshot.bucket, v.snapshot.key);
    n += await store.deleteVisits(due.map((v) => v.id));
    if (due.length < BATCH) break;
  }
  return n;
}

/** The cameras as retention places (RetentionService): each camera's `visits` schedule. */
export function cameraPlaces(
  store: () => Promise<CameraStore | undefined>,
  objects: ObjectStore,
  cameraIds: () => Promise<string[]>,
): {
  names(): Promise<string[]>;
  purge(id: string, cutoffs: { visits?: number }): Promise<Record<string, number>>;
} {
  return {
    names: async () => ((await store()) ? cameraIds() : []),
    purge: async (id, c): Promise<Record<string, number>> => {
      const st = await store();
      return st && c.visits !== undefined ? { visits: await purgeCameraVisits(st, objects, id, c.visits) } : {};
    },
  };
}
