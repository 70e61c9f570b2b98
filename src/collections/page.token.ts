// Opaque, tamper-evident pagination tokens: base64url(JSON payload) "." base64url(HMAC-SHA256 truncated to 16 bytes).
// A token is bound to its listing (scope = operation, collection and filters), so it cannot be replayed elsewhere.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { FacegateError } from '../errors.ts';

interface Payload {
  /** Digest of the scope: a listing filtered by 4,096 face ids still gets a short token. */
  s: string;
  /** The last key of the previous page (keyset pagination). */
  a: string;
}

const digest = (scope: string) => createHash('sha256').update(scope).digest('base64url').slice(0, 22);
const mac = (key: Uint8Array, body: string) => createHmac('sha256', key).update(body).digest().subarray(0, 16);

export class PageTokens {
  constructor(private readonly key: Uint8Array) {}

  issue(scope: string, afterKey: string): string {
    const body = Buffer.from(JSON.stringify({ s: digest(scope), a: afterKey } satisfies Payload)).toString('base64url');
    return `${body}.${mac(this.key, body).toString('base64url')}`;
  }

  /** The afterKey carried by `token`; throws INVALID_PAGINATION_TOKEN for a forged, altered or foreign token. */
  read(scope: string, token: string): string {
    const bad = () => new FacegateError('INVALID_PAGINATION_TOKEN');
    const [body, sig, extra] = token.split('.');
    if (!body || !sig || extra !== undefined || token.length > 4096) throw bad();
    const given = Buffer.from(sig, 'base64url');
    const want = mac(this.key, body);
    if (given.length !== want.length || !timingSafeEqual(given, want)) throw bad();
    let p: Partial<Payload>;
    try {
      p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Payload>;
    } catch {
      throw bad();
    }
    if (p.s !== digest(scope) || typeof p.a !== 'string') throw bad();
    return p.a;
  }
}
