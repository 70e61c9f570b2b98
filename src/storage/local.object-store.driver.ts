// ObjectStore on a local directory: bucket = directory under the root, key = path below it. Each key segment is
// percent-encoded (everything but [A-Za-z0-9_-]) and the object file gets a final '@', so a key can never escape its
// bucket ('..' becomes '%2E%2E'), "a" and "a/b" can both exist (file "a@", directory "a"), and the temporary files
// ('#…', a character the encoding never leaves bare) are never listed. Writes are atomic: tmp + fsync + rename.
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FacegateError } from '../errors.ts';
import { byteCompare, checkBucket, checkKey } from './object.names.ts';
import type { ListObjectsOptions, ListObjectsResult, ObjectInfo, ObjectStore } from './object-store.port.ts';

const MAX_SEGMENT = 240; // file names are ≤ 255 bytes; leaves room for '@'

const encodeSegment = (s: string): string =>
  Array.from(Buffer.from(s, 'utf8'), (b) =>
    /[A-Za-z0-9_-]/.test(String.fromCharCode(b))
      ? String.fromCharCode(b)
      : '%' + b.toString(16).toUpperCase().padStart(2, '0'),
  ).join('');
const decodeSegment = (s: string): string => decodeURIComponent(s);

export class LocalObjectStore implements ObjectStore {
  constructor(private readonly root: string) {}

  async put(bucket: string, key: string, body: Uint8Array): Promise<ObjectInfo> {
    const file = this.pathOf(bucket, key);
    const dir = file.slice(0, file.lastIndexOf('/'));
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `#tmp-${randomBytes(8).toString('hex')}`);
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    await syncDir(dir);
    const st = await stat(file);
    return { bucket, key, size: st.size, lastModified: st.mtime };
  }

  async get(bucket: string, key: string): Promise<{ body: Uint8Array; info: ObjectInfo } | undefined> {
    const file = this.pathOf(bucket, key);
    try {
      const [body, st] = await Promise.all([readFile(file), stat(file)]);
      return { body: new Uint8Array(body), info: { bucket, key, size: body.byteLength, lastModified: st.mtime } };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const st = await stat(this.pathOf(bucket, key));
      return { bucket, key, size: st.size, lastModified: st.mtime };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async delete(bucket: string, key: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(bucket, key));
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  async list(bucket: string, options: ListObjectsOptions = {}): Promise<ListObjectsResult> {
    checkBucket(bucket);
    const limit = Math.min(Math.max(options.limit ?? 1000, 1), 1000);
    const keys = (await this.walk(join(this.root, bucket), []))
      .filter((k) => k.startsWith(options.prefix ?? ''))
      .filter((k) => options.startAfter === undefined || byteCompare(k, options.startAfter) > 0)
      .sort(byteCompare);
    const page = keys.slice(0, limit);
    const objects = await Promise.all(page.map(async (key) => (await this.head(bucket, key))!));
    const last = page[page.length - 1];
    return keys.length > limit && last !== undefined ? { objects, nextStartAfter: last } : { objects };
  }

  /** The buckets that hold (or held) objects: the directories under the root with a valid bucket name. */
  async buckets(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.root, { withFileTypes: true });
    } catch (e) {
      if (isMissing(e)) return [];
      throw e;
    }
    const valid = (name: string) => {
      try {
        checkBucket(name);
        return true;
      } catch {
        return false;
      }
    };
    return entries
      .filter((e) => e.isDirectory() && valid(e.name))
      .map((e) => e.name)
      .sort(byteCompare);
  }

  /**
   * Removes the temporary files ('#tmp-…') of writes a crash interrupted, older than `olderThanMs` (a write in
   * flight in another process is younger). Returns how many.
   */
  async removeTemporaryFiles(olderThanMs = 10 * 60_000): Promise<number> {
    const before = Date.now() - olderThanMs;
    const visit = async (dir: string, depth: number): Promise<number> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (isMissing(e)) return 0;
        throw e;
      }
      let n = 0;
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory() && depth < 64) n += await visit(path, depth + 1);
        else if (e.isFile() && e.name.startsWith('#tmp-')) {
          const st = await stat(path).catch(() => undefined);
          if (st && st.mtimeMs < before) {
            await rm(path, { force: true });
            n++;
          }
        }
      }
      return n;
    };
    return visit(this.root, 0);
  }

  private async walk(dir: string, prefix: string[]): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (isMissing(e)) return [];
      throw e;
    }
    const out: string[] = [];
    for (const e of entries) {
      if (e.isDirectory()) out.push(...(await this.walk(join(dir, e.name), [...prefix, decodeSegment(e.name)])));
      else if (e.isFile() && e.name.endsWith('@')) out.push([...prefix, decodeSegment(e.name.slice(0, -1))].join('/'));
    }
    return out;
  }

  private pathOf(bucket: string, key: string): string {
    checkBucket(bucket);
    const segments = checkKey(key);
    const encoded = segments.map(encodeSegment);
    if (encoded.some((s) => s.length > MAX_SEGMENT)) {
      throw new FacegateError('INVALID_PARAMETER', 'An object key segment is too long for the local object store');
    }
    return join(this.root, bucket, ...encoded.slice(0, -1), `${encoded[encoded.length - 1]!}@`);
  }
}

const isMissing = (e: unknown): boolean => {
  const code = (e as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** fsync the directory so the rename itself survives a power loss. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
