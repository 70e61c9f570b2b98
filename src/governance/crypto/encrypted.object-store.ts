// An ObjectStore decorator that encrypts every object with AES-256-GCM under the keyring's active data key.
// Stored form: "FGE1" ‖ key-id length (1 byte) ‖ key id ‖ iv ‖ tag ‖ ciphertext, with bucket/key as associated
// data, so an object copied to another name does not decrypt. Objects without the marker (written before
// encryption was switched on) are returned as they are. Sizes and ETags reported by head/list are those of the
// stored (encrypted) form.
import { FacegateError } from '../../errors.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import { open, seal } from './aes.gcm.ts';
import type { Keyring } from './keyring.ts';

const MAGIC = Buffer.from('FGE1');
const aad = (bucket: string, key: string) => Buffer.from(`${bucket}/${key}`);

export function isEncrypted(body: Uint8Array): boolean {
  return body.length > 5 && Buffer.from(body.buffer, body.byteOffset, 4).equals(MAGIC);
}

/** The id of the data key `stored` is sealed under; undefined for plaintext. */
export function sealedKeyId(stored: Uint8Array): string | undefined {
  if (!isEncrypted(stored)) return undefined;
  const buf = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  return buf.subarray(5, 5 + buf[4]!).toString('ascii');
}

/** "FGE1" ‖ key-id length ‖ key id ‖ AES-256-GCM(iv ‖ tag ‖ ciphertext) under the active data key. */
export function sealBlob(keyring: Keyring, plain: Uint8Array, boundTo: Buffer): Buffer {
  const { id, key: dk } = keyring.active();
  const idBytes = Buffer.from(id, 'ascii');
  return Buffer.concat([MAGIC, Buffer.from([idBytes.length]), idBytes, seal(dk, plain, boundTo)]);
}

/** The plaintext of a sealed BLOB; BLOBs without the marker are returned as they are. */
export function openBlob(keyring: Keyring, stored: Uint8Array, boundTo: Buffer, what: string): Buffer {
  const buf = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  const id = sealedKeyId(stored);
  if (id === undefined) return buf;
  try {
    return open(keyring.get(id), buf.subarray(5 + id.length), boundTo);
  } catch (e) {
    if (e instanceof FacegateError) throw e;
    throw new FacegateError('ENCRYPTION_FAILED', `${what} does not decrypt (altered or moved)`, { cause: e });
  }
}

export function encryptedObjectStore(inner: ObjectStore, keyring: Keyring): ObjectStore {
  const encrypt = (bucket: string, key: string, body: Uint8Array): Buffer => sealBlob(keyring, body, aad(bucket, key));
  const decrypt = (bucket: string, key: string, body: Uint8Array): Uint8Array =>
    new Uint8Array(openBlob(keyring, body, aad(bucket, key), `Object ${bucket}/${key}`));
  return {
    put: (bucket, key, body) => inner.put(bucket, key, encrypt(bucket, key, body)),
    get: async (bucket, key) => {
      const got = await inner.get(bucket, key);
      return got && { ...got, body: decrypt(bucket, key, got.body) };
    },
    head: (bucket, key) => inner.head(bucket, key),
    delete: (bucket, key) => inner.delete(bucket, key),
    list: (bucket, options) => inner.list(bucket, options),
  };
}
