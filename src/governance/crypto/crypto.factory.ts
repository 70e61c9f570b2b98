// Encryption at rest, wired from the config: the master key (governance.masterKey or masterKeyFile) opens the
// keyring at <dataDir>/keys/data-keys.json, and the object store is wrapped so photos, thumbnails and uploads are
// stored encrypted, and the descriptor column of the metadata store is sealed the same way. Without a master key,
// both are stored as they are.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/config.schema.ts';
import { FacegateError } from '../../errors.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import type { BlobCipher } from '../../collections/metadata.port.ts';
import { encryptedObjectStore, openBlob, sealBlob, sealedKeyId } from './encrypted.object-store.ts';
import { Keyring, parseMasterKey } from './keyring.ts';

export const keyringPath = (dataDir: string): string => join(dataDir, 'keys', 'data-keys.json');

/** The master key from the config, or undefined when encryption at rest is off. */
export function masterKeyOf(config: Readonly<Config>): Buffer | undefined {
  const { masterKey, masterKeyFile } = config.governance;
  if (masterKey && masterKeyFile) {
    throw new FacegateError('INVALID_PARAMETER', 'Set FACEGATE_MASTER_KEY or FACEGATE_MASTER_KEY_FILE, not both');
  }
  if (masterKey) return parseMasterKey(masterKey, 'FACEGATE_MASTER_KEY');
  if (masterKeyFile) {
    let text: string;
    try {
      text = readFileSync(masterKeyFile, 'utf8');
    } catch (e) {
      throw new FacegateError('INVALID_PARAMETER', `FACEGATE_MASTER_KEY_FILE ${masterKeyFile} cannot be read`, {
        cause: e,
      });
    }
    return parseMasterKey(text, `FACEGATE_MASTER_KEY_FILE (${masterKeyFile})`);
  }
  return undefined;
}

/** `inner`, encrypting when a master key is configured. */
export function protectObjects(config: Readonly<Config>, dataDir: string, inner: ObjectStore): ObjectStore {
  const master = masterKeyOf(config);
  return master ? encryptedObjectStore(inner, new Keyring(keyringPath(dataDir), master)) : inner;
}

/**
 * The descriptors' cipher when a master key is configured: the metadata store's descriptor column (SQLite and
 * Postgres) and the rows the in-process index is kept in step from on Postgres (vector_rows). The in-memory index
 * and pgvector's column hold plaintext: an index cannot search ciphertext.
 */
export function descriptorCipherOf(config: Readonly<Config>, dataDir: string): BlobCipher | undefined {
  const master = masterKeyOf(config);
  if (!master) return undefined;
  const keyring = new Keyring(keyringPath(dataDir), master);
  const bound = (aad: string) => Buffer.from(`descriptor:${aad}`);
  return {
    seal: (plain, aad) => sealBlob(keyring, plain, bound(aad)),
    open: (stored, aad) => openBlob(keyring, stored, bound(aad), `Descriptor of face ${aad}`),
    current: (stored) => sealedKeyId(stored) === keyring.active().id,
  };
}
