// Face Liveness sessions (Rekognition's CreateFaceLivenessSession / GetFaceLivenessSessionResults): a session is
// created by the application's backend, the browser page (/liveness) posts a short selfie sequence of frames to it,
// every frame is scored by the engine (head pose + the anti-spoof models), and completing it judges the challenge
// (liveness.challenge.ts). A session is single-use and expires EXPIRY_MS after creation; a device with
// LOCKOUT_FAILURES failed sessions within LOCKOUT_WINDOW_MS is refused.
//
// Sessions are held in memory (they live 3 minutes; a restart ends open ones): completed results are kept for
// RESULT_KEEP_MS so the backend can read them. Reference and audit images go to the object store when the session
// names an OutputConfig bucket, else they are returned inline.
import { FacegateError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import type { Box, FaceEngine } from '../vision/vision.types.ts';
import { auditFrames, judge, progress, type ChallengeProgress, type FrameScore } from './liveness.challenge.ts';
import { DeviceLockout } from './liveness.lockout.ts';

export const EXPIRY_MS = 3 * 60_000;
export const RESULT_KEEP_MS = 60 * 60_000;
/** Frames per session (the page sends ≤ 48); with ≤ 1.5 MB a frame, what one session can hold is bounded. */
export const MAX_FRAMES = 60;
export const MAX_SESSIONS = 10_000;
/** Rekognition's limit on AuditImagesLimit. */
export const MAX_AUDIT_IMAGES = 4;

export type LivenessStatus = 'CREATED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'EXPIRED';

export interface CreateSessionInput {
  auditImagesLimit?: number;
  output?: { bucket: string; keyPrefix?: string };
  clientRequestToken?: string;
}

export interface SessionImage {
  bytes?: Uint8Array;
  object?: { bucket: string; name: string };
  box: Box;
}

export interface SessionResults {
  sessionId: string;
  status: LivenessStatus;
  confidence?: number;
  referenceImage?: SessionImage;
  auditImages?: SessionImage[];
}

export interface FrameResult {
  frame: number;
  score: FrameScore;
  challenge: ChallengeProgress;
}

interface Session {
  id: string;
  createdAt: number;
  auditImagesLimit: number;
  output?: { bucket: string; keyPrefix: string };
  frames: { bytes: Uint8Array; score: FrameScore }[];
  devices: Set<string>;
  pending: Set<Promise<unknown>>;
  completing?: Promise<SessionResults>;
  result?: SessionResults;
  /** Why it failed (logs, the page). */
  reason?: string;
  token?: string;
}

export interface LivenessDeps {
  engine: Pick<FaceEngine, 'analyze' | 'similarity'>;
  objects: ObjectStore;
  now: () => number;
  uuid: () => string;
  /** A SUCCEEDED session below this confidence counts as a failure for the device lockout. */
  passConfidence: number;
  /** Verdicts are logged (session id, status, confidence, reason, frame count: no image, no descriptor). */
  log?: Logger;
}

export class LivenessService {
  private readonly sessions = new Map<string, Session>();
  private readonly tokens = new Map<string, string>();
  readonly lockout: DeviceLockout;

  constructor(private readonly deps: LivenessDeps) {
    this.lockout = new DeviceLockout(deps.now);
  }

  create(input: CreateSessionInput): string {
    this.sweep();
    if (input.clientRequestToken) {
      const known = this.tokens.get(input.clientRequestToken);
      if (known && this.sessions.has(known)) return known;
    }
    if (this.sessions.size >= MAX_SESSIONS) throw new FacegateError('THROTTLED', 'Too many open liveness sessions');
    const limit = input.auditImagesLimit ?? 0;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_AUDIT_IMAGES)
      throw new FacegateError('INVALID_PARAMETER', `AuditImagesLimit must be 0–${MAX_AUDIT_IMAGES}`);
    const id = this.deps.uuid();
    this.sessions.set(id, {
      id,
      createdAt: this.deps.now(),
      auditImagesLimit: limit,
      ...(input.output ? { output: { bucket: input.output.bucket, keyPrefix: input.output.keyPrefix ?? '' } } : {}),
      frames: [],
      devices: new Set(),
      pending: new Set(),
      ...(input.clientRequestToken ? { token: input.clientRequestToken } : {}),
    });
    if (input.clientRequestToken) this.tokens.set(input.clientRequestToken, id);
    return id;
  }

  /**
   * Scores one frame (JPEG/PNG bytes) of an open session, posted from `devices` (the client address and, when the
   * page sends one, its device id: either being locked refuses the frame, and a failure counts against both).
   */
  async addFrame(sessionId: string, devices: readonly string[], bytes: Uint8Array): Promise<FrameResult> {
    for (const d of devices) this.lockout.check(d);
    const s = this.open(sessionId);
    if (s.frames.length + s.pending.size >= MAX_FRAMES)
      throw new FacegateError('INVALID_PARAMETER', `A session takes at most ${MAX_FRAMES} frames; complete it`);
    for (const d of devices) s.devices.add(d);
    const work = this.deps.engine.analyze(bytes, { liveness: true, descriptors: true });
    s.pending.add(work);
    let score: FrameScore;
    try {
      // A face seen only in profile has no descriptor or anti-spoof score: such a frame is judged as one without a
      // face, as it was before the engine reported profiles.
      const faces = (await work).faces.filter((x) => !x.profile);
      const f = faces.length === 1 ? faces[0]! : undefined;
      score = f
        ? {
            faces: 1,
            yaw: f.pose.yaw,
            liveness: f.liveness ?? 0,
            box: f.box,
            ...(f.descriptor && { descriptor: f.descriptor }),
          }
        : { faces: faces.length, yaw: 0, liveness: 0 };
    } finally {
      s.pending.delete(work);
    }
    // The session may have ended while the frame was analysed: a late frame is not added.
    if (s.completing || this.expired(s)) throw new FacegateError('LIVENESS_SESSION_ENDED');
    // Only one-face frames can become reference or audit images: the others' bytes are not kept.
    s.frames.push({ bytes: score.faces === 1 ? bytes : new Uint8Array(0), score });
    return { frame: s.frames.length, score, challenge: progress(s.frames.map((x) => x.score)) };
  }

  /** Ends the session and judges it; a second call is refused (single use). */
  complete(sessionId: string, devices: readonly string[] = []): Promise<SessionResults> {
    for (const d of devices) this.lockout.check(d);
    const s = this.open(sessionId);
    s.completing = this.finish(s);
    return s.completing;
  }

  results(sessionId: string): SessionResults {
    const s = this.sessions.get(sessionId);
    if (!s) throw new FacegateError('LIVENESS_SESSION_NOT_FOUND', `Session ${sessionId} does not exist`);
    if (s.result) return s.result;
    if (this.expired(s)) return { sessionId, status: 'EXPIRED' };
    return { sessionId, status: s.frames.length > 0 || s.pending.size > 0 ? 'IN_PROGRESS' : 'CREATED' };
  }

  /** Why a finished session failed (empty when it passed or is not finished). */
  reason(sessionId: string): string {
    return this.sessions.get(sessionId)?.reason ?? '';
  }

  private open(sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s) throw new FacegateError('LIVENESS_SESSION_NOT_FOUND', `Session ${sessionId} does not exist`);
    if (s.completing) throw new FacegateError('LIVENESS_SESSION_ENDED', `Session ${sessionId} was already used`);
    if (this.expired(s)) throw new FacegateError('LIVENESS_SESSION_ENDED', `Session ${sessionId} has expired`);
    return s;
  }

  private expired(s: Session): boolean {
    return this.deps.now() - s.createdAt > EXPIRY_MS;
  }

  private async finish(s: Session): Promise<SessionResults> {
    await Promise.allSettled([...s.pending]);
    const scores = s.frames.map((f) => f.score);
    const v = judge(scores, (a, b) => this.deps.engine.similarity(a, b));
    const passed = v.passed;
    const image = async (i: number, name: string): Promise<SessionImage> => {
      const f = s.frames[i]!;
      const box = f.score.box!;
      if (!s.output) return { bytes: f.bytes, box };
      const key = `${s.output.keyPrefix}${s.id}/${name}.jpg`;
      await this.deps.objects.put(s.output.bucket, key, f.bytes);
      return { object: { bucket: s.output.bucket, name: key }, box };
    };
    const result: SessionResults = {
      sessionId: s.id,
      status: passed ? 'SUCCEEDED' : 'FAILED',
      confidence: v.confidence,
    };
    if (v.reference >= 0) {
      result.referenceImage = await image(v.reference, 'reference');
      const audits = auditFrames(scores, v.reference, s.auditImagesLimit);
      result.auditImages = [];
      for (const [k, i] of audits.entries()) result.auditImages.push(await image(i, `audit_${k}`));
    }
    if (!passed || v.confidence < this.deps.passConfidence) {
      for (const d of s.devices) this.lockout.fail(d);
    }
    s.reason = v.reason || (v.confidence < this.deps.passConfidence ? 'the anti-spoof score is low' : '');
    this.deps.log?.info(
      { sessionId: s.id, status: result.status, confidence: v.confidence, reason: s.reason, frames: scores.length },
      'liveness session judged',
    );
    s.result = result;
    s.frames = [];
    return result;
  }

  /** Forgets sessions past their result's keep time (bounded memory). */
  private sweep(): void {
    const now = this.deps.now();
    for (const [id, s] of this.sessions) {
      if (now - s.createdAt <= RESULT_KEEP_MS) continue;
      this.sessions.delete(id);
      if (s.token) this.tokens.delete(s.token);
    }
  }
}
