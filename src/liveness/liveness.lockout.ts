// The liveness lockout: LOCKOUT_FAILURES failed sessions within LOCKOUT_WINDOW_MS lock a client out until the oldest of
// them leaves the window. The failures are rows of the deployment's database (liveness.store.port.ts), so every
// process counts the same ones.
//
// What a failure counts against is what the server sees, never what the client claims alone: the client's network
// (its address; an IPv6 address by its /64, which one host can rotate through at will) together with the key that
// created the session (an access key or REST API key: one application's users do not lock out another's). The page's
// device id is an extra key only: a phone that changes networks stays locked, and a client that sends a new device id
// every time is still locked by its network. The cost: everyone behind one NAT address using the same application
// shares a lockout (docs/liveness.md).
import { isIPv4, isIPv6 } from 'node:net';
import { FacegateError } from '../errors.ts';
import type { LivenessStore } from './liveness.store.port.ts';

export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 3 * 60_000;

/** What the server knows of the client posting a frame or completing a session. */
export interface LivenessClient {
  /** The client's address as the server sees it (behind a proxy: FACEGATE_TRUST_PROXY). */
  address: string;
  /** The page's own device id, when it sends a well-formed one. */
  device?: string;
}

/** An IPv4 address (also IPv4-mapped IPv6) as is; IPv6 by its /64 prefix; anything else as given. */
export function clientNetwork(address: string): string {
  const bare = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (isIPv4(bare) || !isIPv6(bare)) return bare;
  const [head = '', tail] = bare.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::a.b.c.d) takes two groups; only the first four groups matter here.
  const width = right.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - width).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The lockout keys of a request to a session made by `creator`. */
export function lockoutKeys(creator: string, client: LivenessClient): string[] {
  const keys = [`net:${creator}:${clientNetwork(client.address)}`];
  if (client.device) keys.push(`device:${creator}:${client.device}`);
  return keys;
}

export class Lockout {
  constructor(
    private readonly store: Pick<LivenessStore, 'failures'>,
    private readonly now: () => number,
  ) {}

  async locked(keys: readonly string[]): Promise<boolean> {
    return (await this.store.failures(keys, this.now() - LOCKOUT_WINDOW_MS)) >= LOCKOUT_FAILURES;
  }

  async check(keys: readonly string[]): Promise<void> {
    if (await this.locked(keys)) throw new FacegateError('LIVENESS_DEVICE_LOCKED');
  }
}
