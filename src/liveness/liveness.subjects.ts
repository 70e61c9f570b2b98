// Liveness sessions as personal data of the person they are for. A session names its subject when the application
// created it for a person (REST `personId`) or linked it after the fact (it used the session's reference image for
// them); the Rekognition protocol has no such field, so its sessions stay unlinked. A linked session is exported and
// erased with the person: its row, its frames (rows and objects, bucket `liveness`), its inline result images and the
// images it wrote to its output bucket. The lockout's failure counts (client keys, not the person) are left to age out.
import { FacegateError } from '../errors.ts';
import type { ExportedFile, HolderExport, PersonalDataHolder } from '../governance/privacy.types.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import type { Box } from '../vision/vision.types.ts';
import type { LivenessStore, SessionRow, StoredImage } from './liveness.store.port.ts';

/** Where frames and inline result images are kept (the service's LIVENESS_BUCKET). */
const BUCKET = 'liveness';

interface ImageRecord {
  /** The file in the export (absent when the object is gone, e.g. an output bucket's own lifecycle removed it). */
  file?: string;
  /** The output-bucket object the image was written to. */
  object?: { bucket: string; name: string };
  box: Box;
}

export interface ExportedSession {
  sessionId: string;
  status: string;
  /** 0–100, once judged. */
  confidence: number | null;
  reason: string | null;
  createdAt: string;
  finishedAt: string | null;
  referenceImage: ImageRecord | null;
  auditImages: ImageRecord[];
  /** Frames of a session still open (their scores; descriptors are not exported). */
  frames: { seq: number; faces: number; yaw: number; liveness: number; file?: string }[];
}

export class LivenessSubjects {
  constructor(private readonly deps: { store: LivenessStore; objects: ObjectStore }) {}

  /** Links a session to a person; a session linked to someone else is refused (CONFLICT). */
  async link(sessionId: string, subjectId: string): Promise<void> {
    const outcome = await this.deps.store.link(sessionId, subjectId);
    if (outcome === 'missing')
      throw new FacegateError('LIVENESS_SESSION_NOT_FOUND', `Session ${sessionId} does not exist`);
    if (outcome === 'taken')
      throw new FacegateError('CONFLICT', `Session ${sessionId} is linked to another person already`);
  }

  async export(subjectId: string): Promise<{ records: { sessions: ExportedSession[] }; files: ExportedFile[] }> {
    const files: ExportedFile[] = [];
    const sessions: ExportedSession[] = [];
    for (const s of await this.deps.store.forSubject(subjectId)) {
      const add = async (bucket: string, key: string, name: string): Promise<string | undefined> => {
        const got = await this.deps.objects.get(bucket, key);
        if (!got) return undefined;
        files.push({ name, bytes: got.body });
        return name;
      };
      const image = async (i: StoredImage, name: string): Promise<ImageRecord> => {
        const file = i.object
          ? await add(i.object.bucket, i.object.name, `liveness/${s.id}/${name}.jpg`)
          : await add(BUCKET, i.frameKey!, `liveness/${s.id}/${name}.jpg`);
        return { ...(file && { file }), ...(i.object && { object: i.object }), box: i.box };
      };
      const frames: ExportedSession['frames'] = [];
      for (const f of await this.deps.store.frames(s.id)) {
        const file = f.objectKey ? await add(BUCKET, f.objectKey, `liveness/${s.id}/frames/${f.seq}.jpg`) : undefined;
        const { faces, yaw, liveness } = f.score;
        frames.push({ seq: f.seq, faces, yaw, liveness, ...(file && { file }) });
      }
      const auditImages: ImageRecord[] = [];
      for (const [k, a] of s.audits.entries()) auditImages.push(await image(a, `audit_${k}`));
      sessions.push({
        sessionId: s.id,
        status: s.status,
        confidence: s.confidence,
        reason: s.reason,
        createdAt: new Date(s.createdAt).toISOString(),
        finishedAt: s.finishedAt === null ? null : new Date(s.finishedAt).toISOString(),
        referenceImage: s.reference ? await image(s.reference, 'reference') : null,
        auditImages,
        frames,
      });
    }
    return { records: { sessions }, files };
  }

  /**
   * Deletes the person's sessions and every object they hold; returns sessions + objects removed. The objects the
   * rows name go first, so that a failing object store leaves the rows for a retry to find; the removal then deletes
   * the rows and whatever frames arrived meanwhile.
   */
  async erase(subjectId: string): Promise<number> {
    const before = await this.deps.store.forSubject(subjectId);
    const objects = new Map<string, { bucket: string; key: string }>();
    const note = (bucket: string, key: string) => objects.set(`${bucket}\u0000${key}`, { bucket, key });
    for (const s of before) {
      for (const i of imagesOf(s)) {
        if (i.object) note(i.object.bucket, i.object.name);
        else if (i.frameKey) note(BUCKET, i.frameKey);
      }
      for (const f of await this.deps.store.frames(s.id)) if (f.objectKey) note(BUCKET, f.objectKey);
    }
    await this.deleteAll([...objects.values()]);
    const removed = await this.deps.store.removeSubject(subjectId);
    const late = removed.flatMap((r) => [
      ...r.objectKeys.map((key) => ({ bucket: BUCKET, key })),
      ...r.outputs.map((o) => ({ bucket: o.bucket, key: o.name })),
    ]);
    await this.deleteAll(late.filter((o) => !objects.has(`${o.bucket}\u0000${o.key}`)));
    for (const o of late) note(o.bucket, o.key);
    return removed.length + objects.size;
  }

  private async deleteAll(list: readonly { bucket: string; key: string }[]): Promise<void> {
    for (let i = 0; i < list.length; i += 8) {
      await Promise.all(list.slice(i, i + 8).map((o) => this.deps.objects.delete(o.bucket, o.key)));
    }
  }
}

const imagesOf = (s: SessionRow): StoredImage[] => [...(s.reference ? [s.reference] : []), ...s.audits];

/** The liveness sessions linked to a person, as a holder for the PrivacyService (section `liveness`). */
export function livenessHolder(subjects: () => Promise<LivenessSubjects>): PersonalDataHolder {
  return {
    name: 'liveness',
    export: async (s): Promise<HolderExport> => (await subjects()).export(s.personId),
    erase: async (s) => (await subjects()).erase(s.personId),
  };
}
