// Face Liveness sessions (Rekognition's CreateFaceLivenessSession / GetFaceLivenessSessionResults): a session is
// created by the application's backend, the browser page (/liveness) posts a short selfie sequence of frames to it,
// every frame is scored by the engine (head pose + the anti-spoof models), and completing it judges the challenge
// (liveness.challenge.ts). A session is single-use and expires EXPIRY_MS after creation; a client with
// LOCKOUT_FAILURES failed sessions within LOCKOUT_WINDOW_MS is refused (liveness.lockout.ts).
//
// Nothing of a session lives in the process: sessions, scored frames and lockout failures are rows of the
// deployment's database (LivenessStore), one-face frames are objects (bucket `liveness`, sessions/<id>/frames/…), so
// a session created through one process can take its frames through another and be read through a third. Single use
// holds across processes because completing first claims the session in one conditional UPDATE. Results are kept
// RESULT_KEEP_MS. Reference and audit images go to the session's OutputConfig bucket when it names one, else they stay
// frame objects and are returned inline.
import { FacegateError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import type { FaceEngine } from '../vision/vision.types.ts';
import { auditFrames, judge, progress, type FrameScore } from './liveness.challenge.ts';
import { LOCKOUT_WINDOW_MS, Lockout, lockoutKeys, type LivenessClient } from './liveness.lockout.ts';
import type { LivenessStore, SessionRow, StoredFrame, StoredImage } from './liveness.store.port.ts';
import type {
  Completed,
  CreateSessionInput,
  FrameResult,
  LivenessStatus,
  SessionImage,
  SessionResults,
} from './liveness.types.ts';
import { LivenessSubjects } from './liveness.subjects.ts';

export const EXPIRY_MS = 3 * 60_000;
export const RESULT_KEEP_MS = 60 * 60_000;
/** A claimed session whose judge has not recorded a verdict this long after expiry is taken for dead: EXPIRED. */
export const STUCK_MS = 60_000;
/** Frames per session (the page sends ≤ 48); with ≤ 1.5 MB a frame, what one session can hold is bounded. */
export const MAX_FRAMES = 60;
/** Open sessions at once, deployment-wide. */
export const MAX_SESSIONS = 10_000;
/** Rekognition's limit on AuditImagesLimit. */
export const MAX_AUDIT_IMAGES = 4;
/** Where frames are kept while a session is open (and, without an output bucket, its result images). */
export const LIVENESS_BUCKET = 'liveness';
const SWEEP_EVERY_MS = 60_000;
const SWEEP_BATCH = 100;

export type {
  Completed,
  CreateSessionInput,
  FrameResult,
  LivenessStatus,
  SessionImage,
  SessionResults,
} from './liveness.types.ts';

export interface LivenessDeps {
  engine: Pick<FaceEngine, 'analyze' | 'similarity'>;
  objects: ObjectStore;
  store: LivenessStore;
  now: () => number;
  uuid: () => string;
  /** A SUCCEEDED session below this confidence counts as a failure for the lockout. */
  passConfidence: number;
  /** Verdicts are logged (session id, status, confidence, reason, frame count: no image, no descriptor). */
  log?: Logger;
}

export class LivenessService {
  readonly lockout: Lockout;
  /** Links to people, and their sessions' export and erasure. */
  readonly subjects: LivenessSubjects;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: LivenessDeps) {
    this.lockout = new Lockout(deps.store, deps.now);
    this.subjects = new LivenessSubjects(deps);
  }

  async create(input: CreateSessionInput): Promise<string> {
    const limit = input.auditImagesLimit ?? 0;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_AUDIT_IMAGES)
      throw new FacegateError('INVALID_PARAMETER', `AuditImagesLimit must be 0–${MAX_AUDIT_IMAGES}`);
    const now = this.deps.now();
    if (now - this.lastSweep >= SWEEP_EVERY_MS) await this.sweep();
    if ((await this.deps.store.openCount(this.openSince())) >= MAX_SESSIONS)
      throw new FacegateError('THROTTLED', 'Too many open liveness sessions');
    return this.deps.store.create({
      id: this.deps.uuid(),
      creator: input.creator ?? 'local',
      clientToken: input.clientRequestToken ?? null,
      createdAt: now,
      auditImagesLimit: limit,
      output: input.output ? { bucket: input.output.bucket, keyPrefix: input.output.keyPrefix ?? '' } : null,
      subjectId: input.subjectId ?? null,
    });
  }

  /**
   * Scores one frame (JPEG/PNG bytes) of an open session, posted by `client`. A locked client is refused; the
   * session records the client's lockout keys, and a failed session counts against each of them.
   */
  async addFrame(sessionId: string, client: LivenessClient, bytes: Uint8Array): Promise<FrameResult> {
    const s = await this.session(sessionId);
    const keys = lockoutKeys(s.creator, client);
    await this.lockout.check(keys);
    this.mustBeOpen(s);
    if (s.frameCount >= MAX_FRAMES) throw this.full();
    // A face seen only in profile has no descriptor or anti-spoof score: such a frame is judged as one without a face.
    const { faces: all } = await this.deps.engine.analyze(bytes, { liveness: true, descriptors: true });
    const faces = all.filter((x) => !x.profile);
    const f = faces.length === 1 ? faces[0]! : undefined;
    const score: FrameScore = f
      ? {
          faces: 1,
          yaw: f.pose.yaw,
          liveness: f.liveness ?? 0,
          box: f.box,
          ...(f.descriptor && { descriptor: f.descriptor }),
        }
      : { faces: faces.length, yaw: 0, liveness: 0 };
    // Only one-face frames can become reference or audit images: the others' bytes are not kept.
    const objectKey = f ? `sessions/${sessionId}/frames/${this.deps.uuid()}` : null;
    if (objectKey) await this.deps.objects.put(LIVENESS_BUCKET, objectKey, bytes);
    const added = await this.deps.store.addFrame(sessionId, { score, objectKey }, keys, {
      openSince: this.openSince(),
      maxFrames: MAX_FRAMES,
    });
    if ('refused' in added) {
      // The session ended (or filled up) while the frame was analysed, maybe through another process.
      if (objectKey) await this.deps.objects.delete(LIVENESS_BUCKET, objectKey).catch(() => false);
      if (added.refused === 'full') throw this.full();
      if (added.refused === 'missing') throw this.notFound(sessionId);
      throw new FacegateError('LIVENESS_SESSION_ENDED');
    }
    const frames = await this.deps.store.frames(sessionId);
    return { frame: added.seq, score, challenge: progress(frames.map((x) => x.score)) };
  }

  /** Ends the session and judges it. Exactly one completion wins, whichever process it reaches (single use). */
  async complete(sessionId: string, client?: LivenessClient): Promise<Completed> {
    const s = await this.session(sessionId);
    if (client) await this.lockout.check(lockoutKeys(s.creator, client));
    if (!(await this.deps.store.claim(sessionId, this.openSince()))) {
      this.mustBeOpen((await this.deps.store.get(sessionId)) ?? s);
      throw new FacegateError('LIVENESS_SESSION_ENDED', `Session ${sessionId} was already used`);
    }
    return this.judgeClaimed(s);
  }

  async results(sessionId: string): Promise<SessionResults> {
    const s = await this.session(sessionId);
    const status = this.statusOf(s);
    if (status !== 'SUCCEEDED' && status !== 'FAILED') return { sessionId, status };
    const out: SessionResults = { sessionId, status, confidence: s.confidence ?? 0 };
    if (s.reference) {
      out.referenceImage = await this.image(s.reference);
      out.auditImages = [];
      for (const a of s.audits) out.auditImages.push(await this.image(a));
    }
    return out;
  }

  /** purge(), its failure logged: the minutely sweep of every process. */
  async sweep(): Promise<void> {
    await this.purge().catch((e: unknown) => this.deps.log?.error({ err: e }, 'liveness sweep failed'));
  }

  /**
   * Expires open sessions past EXPIRY_MS (their frames are deleted), deletes sessions past RESULT_KEEP_MS with
   * their images, and forgets failures older than the lockout window. Bounded per call; safe in every process at once.
   * Returns how many sessions were deleted (the retention job reports it).
   */
  async purge(): Promise<number> {
    const now = this.deps.now();
    this.lastSweep = now;
    const expired = await this.deps.store.expire(now - EXPIRY_MS, now - EXPIRY_MS - STUCK_MS, SWEEP_BATCH);
    const removed = await this.deps.store.remove(now - RESULT_KEEP_MS, SWEEP_BATCH);
    await this.deleteObjects([...expired, ...removed].flatMap((x) => x.objectKeys));
    await this.deps.store.pruneFailures(now - LOCKOUT_WINDOW_MS);
    return removed.length;
  }

  private async judgeClaimed(s: SessionRow): Promise<Completed> {
    const frames = await this.deps.store.frames(s.id);
    const scores = frames.map((f) => f.score);
    const v = judge(scores, (a, b) => this.deps.engine.similarity(a, b));
    const kept = new Set<string>();
    const written: { bucket: string; name: string }[] = [];
    const image = async (i: number, name: string): Promise<StoredImage> => {
      const f = frames[i]!;
      const box = f.score.box!;
      const key = this.frameKey(f);
      if (!s.output) {
        kept.add(key);
        return { frameKey: key, box };
      }
      const out = `${s.output.keyPrefix}${s.id}/${name}.jpg`;
      await this.deps.objects.put(s.output.bucket, out, await this.frameBytes(key));
      written.push({ bucket: s.output.bucket, name: out });
      return { object: { bucket: s.output.bucket, name: out }, box };
    };
    const reference = v.reference >= 0 ? await image(v.reference, 'reference') : null;
    const audits: StoredImage[] = [];
    if (v.reference >= 0) {
      const picked = auditFrames(scores, v.reference, s.auditImagesLimit);
      for (const [k, i] of picked.entries()) audits.push(await image(i, `audit_${k}`));
    }
    const failed = !v.passed || v.confidence < this.deps.passConfidence;
    const reason = v.reason || (v.confidence < this.deps.passConfidence ? 'the anti-spoof score is low' : '');
    const status = v.passed ? 'SUCCEEDED' : 'FAILED';
    const at = this.deps.now();
    const verdict = { status, confidence: v.confidence, reason, reference, audits, at, failed } as const;
    const recorded = await this.deps.store.finish(s.id, verdict);
    // Recorded late (swept as stuck, or erased with its person, meanwhile): its frames are being deleted by whoever
    // removed it; the output images just written are this judge's to delete.
    if (!recorded) {
      await Promise.all(written.map((o) => this.deps.objects.delete(o.bucket, o.name)));
      throw new FacegateError('LIVENESS_SESSION_ENDED', `Session ${s.id} has expired`);
    }
    this.deps.log?.info(
      { sessionId: s.id, status, confidence: v.confidence, reason, frames: scores.length },
      'liveness session judged',
    );
    await this.deleteObjects(frames.flatMap((f) => (f.objectKey && !kept.has(f.objectKey) ? [f.objectKey] : [])));
    return { sessionId: s.id, status, confidence: v.confidence, reason };
  }

  private statusOf(s: SessionRow): LivenessStatus {
    const age = this.deps.now() - s.createdAt;
    switch (s.status) {
      case 'SUCCEEDED':
      case 'FAILED':
      case 'EXPIRED':
        return s.status;
      case 'COMPLETING':
        return age > EXPIRY_MS + STUCK_MS ? 'EXPIRED' : 'IN_PROGRESS';
      case 'CREATED':
      case 'IN_PROGRESS':
        return age > EXPIRY_MS ? 'EXPIRED' : s.status;
    }
  }

  private async session(id: string): Promise<SessionRow> {
    const s = await this.deps.store.get(id);
    if (!s) throw this.notFound(id);
    return s;
  }

  private mustBeOpen(s: SessionRow): void {
    const status = this.statusOf(s);
    if (status === 'EXPIRED') throw new FacegateError('LIVENESS_SESSION_ENDED', `Session ${s.id} has expired`);
    if (s.status === 'COMPLETING' || (status !== 'CREATED' && status !== 'IN_PROGRESS'))
      throw new FacegateError('LIVENESS_SESSION_ENDED', `Session ${s.id} was already used`);
  }

  /** Sessions created at or after this are still open. */
  private openSince(): number {
    return this.deps.now() - EXPIRY_MS;
  }

  private frameKey(f: StoredFrame): string {
    if (!f.objectKey) throw new FacegateError('INTERNAL', `frame ${f.seq} has no image`);
    return f.objectKey;
  }

  private async frameBytes(key: string): Promise<Uint8Array> {
    const o = await this.deps.objects.get(LIVENESS_BUCKET, key);
    if (!o) throw new FacegateError('INTERNAL', `liveness frame ${key} is missing from the object store`);
    return o.body;
  }

  private async image(i: StoredImage): Promise<SessionImage> {
    if (i.object) return { object: i.object, box: i.box };
    return { bytes: await this.frameBytes(i.frameKey!), box: i.box };
  }

  private async deleteObjects(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 8) {
      await Promise.all(keys.slice(i, i + 8).map((k) => this.deps.objects.delete(LIVENESS_BUCKET, k)));
    }
  }

  private notFound(id: string): FacegateError {
    return new FacegateError('LIVENESS_SESSION_NOT_FOUND', `Session ${id} does not exist`);
  }

  private full(): FacegateError {
    return new FacegateError('INVALID_PARAMETER', `A session takes at most ${MAX_FRAMES} frames; complete it`);
  }
}
