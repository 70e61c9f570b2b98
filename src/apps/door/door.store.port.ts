// The DoorStore port: everything the door keeps. Drivers: SQLite (door.sqlite.driver.ts, on the database handle that
// holds the event outbox) and Postgres (door.pg.driver.ts). Both run test/contract/door.contract.ts.
//
// Changes that must happen together (a visit, its passcode and its event; an approval, the new visitor, their
// passcode and the event) go through `commit`, one transaction: an acknowledged approval survives a crash, and an
// event is in the outbox exactly when its change is.
import type { DomainEvent, NewEvent } from '../../events/event.types.ts';
import type { Attempt, Denial, Door, DoorVisit, Passcode, PendingState, PendingVisit, Visitor } from './door.types.ts';

export interface DoorWrite {
  visit?: DoorVisit;
  passcode?: Passcode;
  pending?: PendingVisit;
  /** Moves a pending visit from `pending` to `state`; the whole write fails with CONFLICT when it was decided already. */
  decide?: { pendingId: string; state: Exclude<PendingState, 'pending'>; visitorId: string | null; at: Date };
  visitor?: Visitor;
  denial?: Denial;
  attempt?: Attempt;
  /** Marks a passcode used; the whole write fails with CONFLICT when it was used already (a replay). */
  consume?: { passcodeId: string; at: Date };
  events?: NewEvent[];
}

export interface DoorStore {
  /** Subject access, erasure and retention (door.privacy.sql.ts). */
  readonly privacy: DoorPrivacyStore;

  /** The HMAC key of passcodes and approval links, created once from `generate` and kept. */
  secret(generate: () => string): Promise<string>;

  /** Insert or replace (keeping the first createdAt). */
  putDoor(door: Door): Promise<Door>;
  getDoor(id: string): Promise<Door | undefined>;
  listDoors(): Promise<Door[]>;
  deleteDoor(id: string): Promise<boolean>;

  /** One transaction; returns the events as stored (ids, times). */
  commit(write: DoorWrite, now: Date): Promise<DomainEvent[]>;

  getVisitor(id: string): Promise<Visitor | undefined>;
  listVisitors(doorId: string): Promise<Visitor[]>;
  visitorByFace(doorId: string, faceId: string): Promise<Visitor | undefined>;
  deleteVisitor(id: string): Promise<boolean>;

  /** Passcodes of the door with this hash, newest first (a used or expired one tells the refusal's reason). */
  findPasscodes(doorId: string, codeHash: string): Promise<Passcode[]>;
  markSent(passcodeId: string, at: Date): Promise<void>;
  /** Unused, unexpired passcodes whose SMS never left (a crash between commit and send). */
  unsentPasscodes(now: Date): Promise<Passcode[]>;
  /**
   * Retires a passcode without use (it is replaced by a fresh one). False when it was already used or revoked
   * (another process's sweep got there first).
   */
  revokePasscode(passcodeId: string, at: Date): Promise<boolean>;

  getPending(id: string): Promise<PendingVisit | undefined>;
  listPending(doorId: string, state?: PendingState, limit?: number): Promise<PendingVisit[]>;
  /** Denials of the door still in force at `now`. */
  activeDenials(doorId: string, now: Date): Promise<Denial[]>;

  listVisits(doorId: string, limit?: number): Promise<DoorVisit[]>;
  /** The last known visit of this visitor at this door (second factor). */
  lastKnownVisit(doorId: string, visitorId: string): Promise<Date | undefined>;

  recordAttempt(attempt: Attempt): Promise<void>;
  listAttempts(doorId: string, limit?: number): Promise<Attempt[]>;
  /**
   * Failed attempts (wrong, expired, used) after the last granted one and after `since`, for the door (address
   * null) or one client address at it: the lock-out's input. `lastAt` is the newest of them.
   */
  failureStreak(doorId: string, address: string | null, since: Date): Promise<{ count: number; lastAt: Date | null }>;
}

/** The door's share of subject access, erasure and retention (rows only; objects and faces are the caller's). */
export interface DoorPrivacyStore {
  /** Visitors (of any door) with one of these ids, or holding one of these face ids. */
  visitorsNaming(ids: string[], faceIds: string[]): Promise<Visitor[]>;
  passcodesOf(visitorId: string): Promise<Passcode[]>;
  /** Requests approved as this visitor (their photos are the visitor's). */
  pendingOf(visitorId: string): Promise<PendingVisit[]>;
  visitsOf(visitorId: string): Promise<DoorVisit[]>;
  attemptsOf(visitorId: string): Promise<Attempt[]>;
  /**
   * One transaction: the visitor, their face map, passcodes, approved requests and visits go; their passcode
   * attempts stay (the lock-out needs them) without the visitor id. Returns rows changed.
   */
  eraseVisitor(visitorId: string): Promise<number>;
  /** Requests never approved (pending or denied) created before `before`: frames of strangers. At most `limit`. */
  undecidedBefore(doorId: string, before: Date, limit: number): Promise<PendingVisit[]>;
  /** Visits of the door before `before`, oldest first, at most `limit`. */
  visitsBefore(doorId: string, before: Date, limit: number): Promise<DoorVisit[]>;
  /** Visits that were not a visitor's (unknown, unregistered) before `before` still holding a snapshot. */
  strangerSnapshotsBefore(doorId: string, before: Date, limit: number): Promise<DoorVisit[]>;
  /** Removes these requests and the door's denials whose cool-down ended before `endedBefore`. */
  deletePending(doorId: string, ids: string[], endedBefore: Date): Promise<number>;
  /** Visits keep their row but lose the snapshot reference. */
  clearSnapshots(visitIds: string[]): Promise<number>;
  deleteVisits(visitIds: string[]): Promise<number>;
  deleteAttemptsBefore(doorId: string, before: Date): Promise<number>;
}
