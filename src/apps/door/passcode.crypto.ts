// Passcodes and approval links. A passcode is 6 digits from the CSPRNG (crypto.randomInt, uniform); only
// HMAC-SHA256(key, "passcode:<door>:<code>") is stored, so a copy of the database does not open the door and a code
// is bound to its door. An approval link carries "<pendingId>.<expiry in Unix seconds>" and its HMAC: anyone holding
// the link may decide that one request until it expires; a changed id or expiry fails the signature.
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { FacegateError } from '../../errors.ts';

export const newPasscode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

export const newSecret = (): string => randomBytes(32).toString('base64url');

export const passcodeHash = (key: string, doorId: string, code: string): string =>
  createHmac('sha256', key).update(`passcode:${doorId}:${code}`).digest('hex');

const mac = (key: string, payload: string): string =>
  createHmac('sha256', key).update(`approval:${payload}`).digest('base64url');

export function signApproval(key: string, pendingId: string, expiresAt: Date): string {
  const payload = `${pendingId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${payload}.${mac(key, payload)}`;
}

/** The pending visit id of a genuine, unexpired link; ACCESS_DENIED otherwise (forged, altered or expired). */
export function verifyApproval(key: string, token: string, now: Date): string {
  const parts = token.split('.');
  const [id, exp, sig] = parts;
  if (parts.length !== 3 || !id || !exp || !sig || !/^\d{1,12}$/.test(exp)) {
    throw new FacegateError('ACCESS_DENIED', 'This approval link is not valid');
  }
  const expected = Buffer.from(mac(key, `${id}.${exp}`));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new FacegateError('ACCESS_DENIED', 'This approval link is not valid');
  }
  if (Number(exp) * 1000 <= now.getTime()) {
    throw new FacegateError('ACCESS_DENIED', 'This approval link has expired');
  }
  return id;
}
