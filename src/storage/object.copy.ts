// Copies the embedded data directory's objects (<dataDir>/objects, the local driver) into the S3-compatible store a
// scaled-out deployment uses (`facegate migrate --to postgres` with FACEGATE_S3_*), and compares the two (`--check`).
// Objects are copied as stored: an object encrypted at rest stays the same ciphertext, bound to the same bucket/key,
// so it decrypts with the same keyring after the move. Resumable: an object the target already holds with the same
// size and MD5 is skipped, so an interrupted copy is run again. Verified per bucket by object counts and an
// order-independent checksum over (key, size, MD5) — the target's MD5 is its ETag where that is a plain MD5 (single
// PUT, as every copy here is), otherwise the object is read back and hashed.
import { createHash } from 'node:crypto';
import type { LocalObjectStore } from './local.object-store.driver.ts';
import type { ObjectInfo, ObjectStore } from './object-store.port.ts';

export interface BucketReport {
  bucket: string;
  localObjects: number;
  targetObjects: number;
  localChecksum: string;
  targetChecksum: string;
  /** Keys missing from the target or different there (first 10), and keys only the target has (first 10). */
  differing: string[];
  extra: string[];
  same: boolean;
  /** After a copy: objects written, and objects skipped because the target already held them. */
  copied?: number;
  skipped?: number;
}

export interface CopyProgress {
  bucket: string;
  key: string;
  action: 'copied' | 'skipped';
}

export interface CopyOptions {
  /** Called after each object; an exception stops the copy (what was copied stays, a rerun skips it). */
  onObject?: (p: CopyProgress) => void;
  /** Objects in flight at once (default 4). */
  concurrency?: number;
}

const PLAIN_MD5 = /^[0-9a-f]{32}$/;
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

class Checksum {
  count = 0;
  private sum = 0n;
  add(key: string, size: number, digest: string): void {
    this.count++;
    const h = createHash('sha256').update(`${key}\n${size}\n${digest}`).digest();
    this.sum = (this.sum + h.readBigUInt64BE(0)) & 0xffff_ffff_ffff_ffffn;
  }
  get hex(): string {
    return this.sum.toString(16).padStart(16, '0');
  }
}

async function* listAll(store: ObjectStore, bucket: string): AsyncGenerator<ObjectInfo> {
  for (let after: string | undefined; ;) {
    const page = await store.list(bucket, after === undefined ? {} : { startAfter: after });
    yield* page.objects;
    if (page.nextStartAfter === undefined) return;
    after = page.nextStartAfter;
  }
}

/** The target's objects of a bucket by key. */
async function targetIndex(target: ObjectStore, bucket: string): Promise<Map<string, ObjectInfo>> {
  const out = new Map<string, ObjectInfo>();
  for await (const o of listAll(target, bucket)) out.set(o.key, o);
  return out;
}

/** The target's MD5 of an object: its ETag when that is a plain MD5, else the object read back. */
async function targetMd5(target: ObjectStore, o: ObjectInfo): Promise<string | undefined> {
  if (o.etag && PLAIN_MD5.test(o.etag)) return o.etag;
  const got = await target.get(o.bucket, o.key);
  return got && md5(got.body);
}

/** Runs `task` over `items` with at most `n` at once; the first failure stops new tasks and is thrown. */
async function pool<T>(items: AsyncIterable<T>, n: number, task: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: unknown;
  for await (const item of items) {
    if (failure !== undefined) break;
    const p: Promise<void> = task(item).then(
      () => void running.delete(p),
      (e: unknown) => {
        running.delete(p);
        failure ??= e;
      },
    );
    running.add(p);
    if (running.size >= n) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure !== undefined) throw failure;
}

/** Compares one bucket on both sides (reads every local object; the target by ETag where it can). */
async function compareBucket(local: LocalObjectStore, target: ObjectStore, bucket: string): Promise<BucketReport> {
  const theirs = await targetIndex(target, bucket);
  const a = new Checksum();
  const b = new Checksum();
  const differing: string[] = [];
  const seen = new Set<string>();
  for await (const o of listAll(local, bucket)) {
    const got = await local.get(bucket, o.key);
    if (!got) continue; // deleted while listing: the migration holds the data directory, so only a stray writer
    const mine = md5(got.body);
    a.add(o.key, got.body.byteLength, mine);
    seen.add(o.key);
    const t = theirs.get(o.key);
    const digest = t && (await targetMd5(target, t));
    if (t && digest) b.add(t.key, t.size, digest);
    if (!t || t.size !== got.body.byteLength || digest !== mine) differing.push(o.key);
  }
  const extra: string[] = [];
  for (const t of theirs.values()) {
    if (seen.has(t.key)) continue;
    extra.push(t.key);
    b.add(t.key, t.size, (await targetMd5(target, t)) ?? '');
  }
  return {
    bucket,
    localObjects: a.count,
    targetObjects: b.count,
    localChecksum: a.hex,
    targetChecksum: b.hex,
    differing: differing.slice(0, 10),
    extra: extra.slice(0, 10),
    same: a.count === b.count && a.hex === b.hex && differing.length === 0 && extra.length === 0,
  };
}

/** Counts and checksums of every local bucket on both sides. */
export async function compareObjects(local: LocalObjectStore, target: ObjectStore): Promise<BucketReport[]> {
  const out: BucketReport[] = [];
  for (const bucket of await local.buckets()) out.push(await compareBucket(local, target, bucket));
  return out;
}

/** Copies every local object the target lacks (or holds with other bytes), then compares. */
export async function copyObjects(
  local: LocalObjectStore,
  target: ObjectStore,
  options: CopyOptions = {},
): Promise<BucketReport[]> {
  const counts = new Map<string, { copied: number; skipped: number }>();
  for (const bucket of await local.buckets()) {
    const theirs = await targetIndex(target, bucket);
    const count = { copied: 0, skipped: 0 };
    counts.set(bucket, count);
    await pool(listAll(local, bucket), options.concurrency ?? 4, async (o) => {
      const got = await local.get(bucket, o.key);
      if (!got) return;
      const t = theirs.get(o.key);
      const same = t && t.size === got.body.byteLength && (await targetMd5(target, t)) === md5(got.body);
      if (!same) await target.put(bucket, o.key, got.body);
      count[same ? 'skipped' : 'copied']++;
      options.onObject?.({ bucket, key: o.key, action: same ? 'skipped' : 'copied' });
    });
  }
  return (await compareObjects(local, target)).map((r) => ({ ...r, ...counts.get(r.bucket) }));
}
