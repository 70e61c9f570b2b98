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

export function encryptedObjectStore(inner: ObjectStore, keyring: Keyring): ObjectStore {
  const encrypt = (bucket: string, key: string, body: Uint8Array): Buffer => {
    const { id, key: dk } = keyring.active();
    const idBytes = Buffer.from(id, 'ascii');
    return Buffer.concat([MAGIC, Buffer.from([idBytes.length]), idBytes, seal(dk, body, aad(bucket, key))]);
  };
  const decrypt = (bucket: string, key: string, body: Uint8Array): Uint8Array => {
    if (!isEncrypted(body)) return body;
    const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const n = buf[4]!;
    const id = buf.subarray(5, 5 + n).toString('ascii');
    try {
      return new Uint8Array(open(keyring.get(id), buf.subarray(5 + n), aad(bucket, key)));
    } catch (e) {
      if (e instanceof FacegateError) throw e;
      throw new FacegateError('ENCRYPTION_FAILED', `Object ${bucket}/${key} does not decrypt (altered or moved)`, {
        cause: e,
      });
    }
  };
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
