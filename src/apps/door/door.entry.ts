// The virtual door: a passcode in, "Welcome, <name>" or a refusal out. Every attempt is audited (time, door,
// outcome, address). Failed attempts (wrong, expired, replayed code) lock out the client address after
// `maxFailures` and the whole door after `doorMaxFailures`, for lockoutSeconds × 2^(failures beyond the limit),
// capped; a granted attempt ends the streak. The streak is read from the audit, so a restart does not reset it.
import type { Clock } from '../../collections/clock.port.ts';
import { FacegateError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { DoorObserver, DoorSettings, UnlockAction } from './door.ports.ts';
import type { DoorStore } from './door.store.port.ts';
import type { AttemptOutcome, Door, Visitor } from './door.types.ts';
import { passcodeHash } from './passcode.crypto.ts';

export type EntryResult =
  | { granted: true; name: string; message: string }
  | { granted: false; outcome: Exclude<AttemptOutcome, 'granted'>; message: string; retryAfterSeconds?: number };

export interface DoorEntryDeps {
  store: DoorStore;
  clock: Clock;
  key: string;
  settings: DoorSettings;
  unlock?: UnlockAction;
  observer?: DoorObserver;
  logger: Logger;
  onEvents?: () => void;
}

/** Failures older than this no longer count towards a lock-out. */
const STREAK_WINDOW_MS = 24 * 3600 * 1000;

const DENIED = 'Permission denied';

export class DoorEntry {
  constructor(private readonly deps: DoorEntryDeps) {}

  async open(doorId: string, code: string, address: string): Promise<EntryResult> {
    const { store, clock } = this.deps;
    const door = await store.getDoor(doorId);
    if (!door) throw new FacegateError('NOT_FOUND', `Door ${doorId} does not exist`);
    const now = clock.now();
    const retryAfter = await this.lockedFor(doorId, address, now);
    const refuse = async (outcome: Exclude<AttemptOutcome, 'granted'>, visitorId: string | null = null) => {
      await store.recordAttempt({ at: now, doorId, outcome, address, visitorId });
      return { granted: false as const, outcome, message: DENIED };
    };
    if (retryAfter > 0) return { ...(await refuse('locked')), retryAfterSeconds: retryAfter };
    if (!/^\d{6}$/.test(code)) return refuse('wrong');

    const [p] = await store.findPasscodes(doorId, passcodeHash(this.deps.key, doorId, code));
    if (!p) return refuse('wrong');
    if (p.usedAt) return refuse('used', p.visitorId);
    if (p.expiresAt <= now) return refuse('expired', p.visitorId);
    const visitor = await store.getVisitor(p.visitorId);
    if (!visitor) return refuse('wrong');
    if (!(await this.faceSeen(door, visitor, now))) return refuse('no-face', visitor.id);
    try {
      await store.commit(
        {
          consume: { passcodeId: p.id, at: now },
          attempt: { at: now, doorId, outcome: 'granted', address, visitorId: visitor.id },
          events: [
            {
              type: 'door.opened',
              collectionId: door.collectionId,
              data: { doorId, doorName: door.name, visitorId: visitor.id, visitorName: visitor.name },
            },
          ],
        },
        now,
      );
    } catch (e) {
      // Two tabs racing with the same code: one wins, the other is a replay.
      if (e instanceof FacegateError && e.code === 'CONFLICT') return refuse('used', visitor.id);
      throw e;
    }
    this.deps.onEvents?.();
    this.afterOpen(door, visitor);
    return { granted: true, name: visitor.name, message: `Welcome, ${visitor.name}` };
  }

  /** Seconds until this address (or the door) may try again; 0 when not locked out. */
  async lockedFor(doorId: string, address: string, now: Date): Promise<number> {
    const s = this.deps.settings;
    const since = new Date(now.getTime() - STREAK_WINDOW_MS);
    const wait = (streak: { count: number; lastAt: Date | null }, limit: number): number => {
      if (streak.count < limit || !streak.lastAt) return 0;
      const seconds = Math.min(s.lockoutSeconds * 2 ** (streak.count - limit), s.maxLockoutSeconds);
      const until = streak.lastAt.getTime() + seconds * 1000;
      return Math.max(0, Math.ceil((until - now.getTime()) / 1000));
    };
    const [mine, all] = await Promise.all([
      this.deps.store.failureStreak(doorId, address, since),
      this.deps.store.failureStreak(doorId, null, since),
    ]);
    return Math.max(wait(mine, s.maxFailures), wait(all, s.doorMaxFailures));
  }

  /** The second factor: the visitor's face was recognised at this door's camera within the window. */
  private async faceSeen(door: Door, visitor: Visitor, now: Date): Promise<boolean> {
    if (door.secondFactorSeconds <= 0) return true;
    const last = await this.deps.store.lastKnownVisit(door.id, visitor.id);
    return last !== undefined && now.getTime() - last.getTime() <= door.secondFactorSeconds * 1000;
  }

  /** The unlock action and observers run after the answer is decided: a slow lock never delays "Welcome". */
  private afterOpen(door: Door, visitor: Visitor): void {
    const log = this.deps.logger;
    const unlock = this.deps.unlock?.unlock(door, visitor) ?? Promise.resolve();
    unlock
      .then(() => this.deps.observer?.doorChanged(door, { kind: 'opened', visitor: visitor.name }))
      .catch((e: unknown) => log.error({ err: e, doorId: door.id }, 'unlock action failed'));
  }
}
