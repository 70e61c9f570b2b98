// Data keys, wrapped by the master key (envelope encryption). The keyring is a small JSON file, written
// atomically (temp file + rename) with owner-only permissions: `active` encrypts new data; older keys stay to
// decrypt what they encrypted. Rotation adds a key and makes it active, so a running server keeps working:
// it reloads the file when it meets a key id it does not know. The master key itself never touches the disk here.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FacegateError } from '../../errors.ts';
import { KEY_BYTES, open, seal } from './aes.gcm.ts';

interface KeyringFile {
  version: 1;
  active: string;
  keys: { id: string; wrapped: string; createdAt: string }[];
}

const AAD = (id: string) => Buffer.from(`facegate.data-key:${id}`);

function read(path: string): KeyringFile {
  return JSON.parse(readFileSync(path, 'utf8')) as KeyringFile;
}

function write(path: string, file: KeyringFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(file, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
}

function unwrap(master: Uint8Array, path: string, k: KeyringFile['keys'][number]): Buffer {
  try {
    return open(master, Buffer.from(k.wrapped, 'base64'), AAD(k.id));
  } catch (e) {
    throw new FacegateError(
      'ENCRYPTION_FAILED',
      `The master key does not open data key ${k.id} in ${path} (wrong FACEGATE_MASTER_KEY?)`,
      { cause: e },
    );
  }
}

const newKey = (master: Uint8Array) => {
  const id = randomUUID().slice(0, 8);
  return {
    id,
    wrapped: seal(master, randomBytes(KEY_BYTES), AAD(id)).toString('base64'),
    createdAt: new Date().toISOString(),
  };
};

/** The master key from config: base64 of exactly 32 bytes. */
export function parseMasterKey(base64: string, source: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new FacegateError(
      'INVALID_PARAMETER',
      `${source} must be the base64 of 32 random bytes (got ${key.length} bytes)`,
    );
  }
  return key;
}

export class Keyring {
  private keys = new Map<string, Buffer>();
  private activeId = '';

  /** Opens the keyring at `path`, creating it with one data key when absent. Fails clearly on a wrong master key. */
  constructor(
    private readonly path: string,
    private readonly master: Uint8Array,
  ) {
    if (!existsSync(path)) {
      const k = newKey(master);
      write(path, { version: 1, active: k.id, keys: [k] });
    }
    this.reload();
  }

  reload(): void {
    const file = read(this.path);
    const keys = new Map<string, Buffer>();
    for (const k of file.keys) keys.set(k.id, unwrap(this.master, this.path, k));
    if (!keys.has(file.active))
      throw new FacegateError('ENCRYPTION_FAILED', `Active data key ${file.active} is missing`);
    this.keys = keys;
    this.activeId = file.active;
  }

  active(): { id: string; key: Buffer } {
    return { id: this.activeId, key: this.keys.get(this.activeId)! };
  }

  /** The data key `id`, reloading the file once if it is new (rotated by another process). */
  get(id: string): Buffer {
    if (!this.keys.has(id)) this.reload();
    const key = this.keys.get(id);
    if (!key) throw new FacegateError('ENCRYPTION_FAILED', `Data key ${id} is not in ${this.path}`);
    return key;
  }

  ids(): string[] {
    return [...this.keys.keys()];
  }
}

/** Adds a new data key and makes it active; returns its id. Old keys stay for reading. */
export function rotateDataKey(path: string, master: Uint8Array): string {
  new Keyring(path, master); // checks the master key opens every existing key first
  const file = read(path);
  const k = newKey(master);
  write(path, { ...file, active: k.id, keys: [...file.keys, k] });
  return k.id;
}

/** Re-wraps every data key under a new master key (data is not touched). */
export function rewrapKeyring(path: string, oldMaster: Uint8Array, newMaster: Uint8Array): number {
  const file = read(path);
  const keys = file.keys.map((k) => ({
    ...k,
    wrapped: seal(newMaster, unwrap(oldMaster, path, k), AAD(k.id)).toString('base64'),
  }));
  write(path, { ...file, keys });
  return keys.length;
}
