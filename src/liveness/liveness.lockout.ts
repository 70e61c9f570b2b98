// Device lockout for liveness: LOCKOUT_FAILURES failed sessions from one device (the page's device id, else the
// client address) within LOCKOUT_WINDOW_MS lock it out until the oldest of them leaves the window. In memory and
// bounded (MAX_DEVICES; the least recently failed device is forgotten first).
import { FacegateError } from '../errors.ts';

export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 3 * 60_000;
const MAX_DEVICES = 100_000;

export class DeviceLockout {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  private recent(device: string): number[] {
    const t = this.now();
    const kept = (this.failures.get(device) ?? []).filter((at) => t - at < LOCKOUT_WINDOW_MS);
    if (kept.length) this.failures.set(device, kept);
    else this.failures.delete(device);
    return kept;
  }

  locked(device: string): boolean {
    return this.recent(device).length >= LOCKOUT_FAILURES;
  }

  check(device: string): void {
    if (this.locked(device)) throw new FacegateError('LIVENESS_DEVICE_LOCKED');
  }

  fail(device: string): void {
    const list = this.recent(device);
    list.push(this.now());
    // Re-inserted last: Map order is then least recently failed first.
    this.failures.delete(device);
    this.failures.set(device, list.slice(-LOCKOUT_FAILURES));
    if (this.failures.size > MAX_DEVICES) this.failures.delete(this.failures.keys().next().value!);
  }
}
