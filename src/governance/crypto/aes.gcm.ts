// AES-256-GCM sealing: 12-byte random IV, 16-byte tag, optional associated data (bound, not stored). Pure.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const KEY_BYTES = 32;
const IV = 12;
const TAG = 16;

/** iv ‖ tag ‖ ciphertext. */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Buffer {
  const iv = randomBytes(IV);
  const c = createCipheriv('aes-256-gcm', key, iv);
  if (aad) c.setAAD(aad);
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

/** Throws when the key is wrong, the data was altered or the associated data differs. */
export function open(key: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Buffer {
  if (sealed.length < IV + TAG) throw new Error('sealed data is truncated');
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV));
  if (aad) d.setAAD(aad);
  d.setAuthTag(buf.subarray(IV, IV + TAG));
  return Buffer.concat([d.update(buf.subarray(IV + TAG)), d.final()]);
}
