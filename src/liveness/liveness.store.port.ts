// The LivenessStore port: Face Liveness sessions, their scored frames and the lockout's failures, in the deployment's
// one database, so that any process can take any request of a session (docs/scale-out.md). Drivers: SQLite
// (liveness.sqlite.driver.ts, the embedded default) and Postgres (liveness.pg.driver.ts); both run
// test/contract/liveness.store.test.ts. Frame bytes are not here: they are objects (liveness.service.ts).
//
// Every state change is one conditional statement or one transaction, so that two processes racing on a session
// cannot both win: a frame is added only while the session is open, and exactly one `claim` of an open session
// succeeds. Times are Unix milliseconds of the caller's clock (the service's, injectable in tests).
import type { Box } from '../vision/vision.types.ts';
import type { FrameScore } from './liveness.challenge.ts';

/** CREATED and IN_PROGRESS are open; COMPLETING is claimed by one process that is judging it. */
export type StoredStatus = 'CREATED' | 'IN_PROGRESS' | 'COMPLETING' | 'SUCCEEDED' | 'FAILED' | 'EXPIRED';

export interface StoredImage {
  box: Box;
  /** Written to the session's output bucket. */
  object?: { bucket: string; name: string };
  /** Without an output bucket: the frame's own object (bucket `liveness`), returned inline by the results. */
  frameKey?: string;
}

export interface NewSession {
  id: string;
  /** Who created it (the access key or API key), part of every lockout key of the session. */
  creator: string;
  /** Idempotency: the same creator and token give the same session while it is kept. */
  clientToken: string | null;
  createdAt: number;
  auditImagesLimit: number;
  output: { bucket: string; keyPrefix: string } | null;
  /**
   * The person the session is for (a people-app person id), or null: a linked session is exported and erased with
   * the person (liveness.subjects.ts). Sessions created through the Rekognition protocol are unlinked.
   */
  subjectId: string | null;
}

export interface SessionRow extends Omit<NewSession, 'clientToken'> {
  status: StoredStatus;
  frameCount: number;
  confidence: number | null;
  reason: string | null;
  reference: StoredImage | null;
  audits: StoredImage[];
  /** When it was judged (null while open or when it expired unjudged). */
  finishedAt: number | null;
}

export interface StoredFrame {
  /** 1-based, in the order the frames were added. */
  seq: number;
  score: FrameScore;
  /** The frame's bytes (bucket `liveness`), kept for one-face frames only. */
  objectKey: string | null;
}

/** Why a frame was not added: the session is not open (used, claimed, expired), holds its maximum, or is unknown. */
export type AddFrameOutcome = { seq: number } | { refused: 'ended' | 'full' | 'missing' };

export interface Verdict {
  status: 'SUCCEEDED' | 'FAILED';
  confidence: number;
  reason: string;
  reference: StoredImage | null;
  audits: StoredImage[];
  /** When it was judged. */
  at: number;
  /** The session counts as a failure: one failure at `at` against every lockout key it was used from. */
  failed: boolean;
}

/** A session the sweep expired or deleted, and the objects its rows named (frames, inline result images). */
export interface Swept {
  id: string;
  objectKeys: string[];
}

/** A subject's session as erased: the liveness-bucket objects its rows named, and the output-bucket ones. */
export interface Erased extends Swept {
  outputs: { bucket: string; name: string }[];
}

/** Why a link was refused: no such session, or it is linked to another person already. */
export type LinkOutcome = 'linked' | 'missing' | 'taken';

export interface LivenessStore {
  /** Inserts the session, or returns the id of the creator's session with the same client token. */
  create(session: NewSession): Promise<string>;
  /** Open sessions (CREATED or IN_PROGRESS) created at or after `since`. */
  openCount(since: number): Promise<number>;
  get(id: string): Promise<SessionRow | undefined>;
  /**
   * Appends a frame, atomically with the checks: the session is open, was created at or after `openSince`, and holds
   * fewer than `maxFrames`. Records `keys` as lockout keys the session was used from. Makes the session IN_PROGRESS.
   */
  addFrame(
    id: string,
    frame: { score: FrameScore; objectKey: string | null },
    keys: readonly string[],
    bounds: { openSince: number; maxFrames: number },
  ): Promise<AddFrameOutcome>;
  frames(id: string): Promise<StoredFrame[]>;
  /** Open and created at or after `openSince` → COMPLETING. True for exactly one caller, in whichever process. */
  claim(id: string, openSince: number): Promise<boolean>;
  /** Records the verdict of a claimed session and drops its frame rows (and, if it failed, counts the failure). */
  finish(id: string, verdict: Verdict): Promise<boolean>;
  /** The largest number of failures recorded after `since` against any of `keys`. */
  failures(keys: readonly string[], since: number): Promise<number>;
  /**
   * Open sessions created before `before`, and claimed ones created before `stuckBefore` (their judge died), become
   * EXPIRED and lose their frame rows (at most `limit` sessions).
   */
  expire(before: number, stuckBefore: number, limit: number): Promise<Swept[]>;
  /** Deletes sessions created before `before` (at most `limit`) with their frames and keys. */
  remove(before: number, limit: number): Promise<Swept[]>;
  /** Forgets failures recorded before `before`. */
  pruneFailures(before: number): Promise<void>;
  /** Links an unlinked session (or one linked to the same subject already) to `subjectId`. */
  link(id: string, subjectId: string): Promise<LinkOutcome>;
  /** The sessions linked to `subjectId`, oldest first. */
  forSubject(subjectId: string): Promise<SessionRow[]>;
  /** Deletes the sessions linked to `subjectId` with their frames and keys, in one transaction. */
  removeSubject(subjectId: string): Promise<Erased[]>;
}
