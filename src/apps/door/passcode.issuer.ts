// Issues passcodes: the hash is committed with whatever the caller commits (the visit, the approval) and its event,
// then the code goes out by SMS and only the time it left is recorded. A crash between commit and send leaves an
// unsent passcode; `recoverUnsent` (at start, then every sweep) retires it and sends the visitor a fresh one, since
// the code itself was never stored.
import type { Clock, IdGenerator } from '../../collections/clock.port.ts';
import type { DomainEvent, NewEvent } from '../../events/event.types.ts';
import type { Logger } from '../../logger.ts';
import type { DoorSettings, PasscodeSender } from './door.ports.ts';
import type { DoorStore, DoorWrite } from './door.store.port.ts';
import type { Door, Passcode, Visitor } from './door.types.ts';
import { newPasscode, passcodeHash } from './passcode.crypto.ts';

export interface PasscodeIssuerDeps {
  store: DoorStore;
  sms: PasscodeSender;
  clock: Clock;
  ids: IdGenerator;
  key: string;
  settings: DoorSettings;
  logger: Logger;
  /** Fresh codes per door (test seam; default the CSPRNG). */
  generate?: () => string;
}

export interface Issued {
  passcode: Passcode;
  events: DomainEvent[];
  /** True when the SMS channel accepted the message. */
  sent: boolean;
}

/**
 * An unsent passcode younger than this may be on its way from another process sharing the database (the SMS
 * channel's timeout is 10 s): the sweep leaves it. This process's own sends are known exactly (`sending`).
 */
const IN_FLIGHT_MS = 30_000;

export class PasscodeIssuer {
  private readonly sending = new Set<string>();

  constructor(private readonly deps: PasscodeIssuerDeps) {}

  /** Commits a new passcode with `write` and `events(passcode)`, then sends it. */
  async issue(door: Door, visitor: Visitor, write: DoorWrite, events: (p: Passcode) => NewEvent[]): Promise<Issued> {
    const now = this.deps.clock.now();
    const { code, passcode } = await this.fresh(door, visitor, now);
    // In flight from before its commit: this process's sweep never replaces a code that is about to be sent.
    this.sending.add(passcode.id);
    try {
      const stored = await this.deps.store.commit({ ...write, passcode, events: events(passcode) }, now);
      const sent = await this.send(door, visitor, passcode, code, stored[0]?.id ?? null);
      return { passcode, events: stored, sent };
    } finally {
      this.sending.delete(passcode.id);
    }
  }

  async recoverUnsent(doors: (id: string) => Promise<Door | undefined>): Promise<number> {
    const now = this.deps.clock.now();
    let resent = 0;
    for (const old of await this.deps.store.unsentPasscodes(now)) {
      if (this.sending.has(old.id) || now.getTime() - old.createdAt.getTime() < IN_FLIGHT_MS) continue;
      const door = await doors(old.doorId);
      const visitor = await this.deps.store.getVisitor(old.visitorId);
      // Only the process that retires the old code sends a new one (several processes may sweep at once).
      if (!(await this.deps.store.revokePasscode(old.id, now)) || !door || !visitor) continue;
      const { code, passcode } = await this.fresh(door, visitor, now);
      this.sending.add(passcode.id);
      try {
        await this.deps.store.commit({ passcode }, now);
        if (await this.send(door, visitor, passcode, code, null)) resent++;
      } finally {
        this.sending.delete(passcode.id);
      }
    }
    return resent;
  }

  /** A code no other live passcode of the door has (1 in 10⁶ per live code; retried, bounded). */
  private async fresh(door: Door, visitor: Visitor, now: Date): Promise<{ code: string; passcode: Passcode }> {
    const generate = this.deps.generate ?? newPasscode;
    for (let i = 0; i < 20; i++) {
      const code = generate();
      const codeHash = passcodeHash(this.deps.key, door.id, code);
      const live = (await this.deps.store.findPasscodes(door.id, codeHash)).some(
        (p) => p.usedAt === null && p.expiresAt > now,
      );
      if (live) continue;
      const passcode: Passcode = {
        id: this.deps.ids.uuid(),
        visitorId: visitor.id,
        doorId: door.id,
        codeHash,
        createdAt: now,
        expiresAt: new Date(now.getTime() + this.deps.settings.passcodeTtlSeconds * 1000),
        usedAt: null,
        sentAt: null,
      };
      return { code, passcode };
    }
    throw new Error(`no free passcode for door ${door.id} after 20 draws`);
  }

  private async send(
    door: Door,
    visitor: Visitor,
    p: Passcode,
    code: string,
    eventId: string | null,
  ): Promise<boolean> {
    const minutes = Math.round(this.deps.settings.passcodeTtlSeconds / 60);
    const text =
      `Facegate: your passcode for ${door.name} is ${code}. It works once, for ${minutes} min: ` +
      `${this.deps.settings.publicUrl}/door/${encodeURIComponent(door.id)}`;
    try {
      await this.deps.sms.send(visitor.phone, text, eventId);
      await this.deps.store.markSent(p.id, this.deps.clock.now());
      return true;
    } catch (e) {
      this.deps.logger.warn({ err: e, passcodeId: p.id, doorId: door.id }, 'passcode SMS not sent; the sweep retries');
      return false;
    }
  }
}
