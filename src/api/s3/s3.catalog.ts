// What S3 knows beyond the ObjectStore port's bytes, kept in the object store itself (a reserved bucket), so it
// works on every ObjectStore driver: the buckets created through S3, each object's metadata (Content-Type,
// x-amz-meta-*, its MD5) and multipart uploads in progress (their parts). Metadata is written after the object; it
// counts only while its MD5 is the object's, so an object replaced through the REST API never shows stale metadata.
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import { S3_CATALOG_BUCKET } from '../../storage/service.buckets.ts';

/** Reserved: never reachable through the S3 endpoint. */
export const CATALOG_BUCKET = S3_CATALOG_BUCKET;

export const md5Hex = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

const metaSchema = z.object({
  md5: z.string(),
  contentType: z.string().optional(),
  meta: z.record(z.string(), z.string()).default({}),
  /** ETag as S3 reports it (an MD5, or MD5-of-part-MD5s-N after a multipart upload). */
  etag: z.string().optional(),
  /** The stored object's size and mtime (ms) when the metadata was written: lets listings skip reading bodies. */
  size: z.number().optional(),
  mtime: z.number().optional(),
});
export type ObjectMeta = z.infer<typeof metaSchema>;

const uploadSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  contentType: z.string().optional(),
  meta: z.record(z.string(), z.string()).default({}),
  initiated: z.string(),
});
export type MultipartUpload = z.infer<typeof uploadSchema>;

const json = (v: unknown) => new Uint8Array(Buffer.from(JSON.stringify(v)));
const parse = <T>(schema: z.ZodType<T>, bytes: Uint8Array | undefined): T | undefined => {
  if (!bytes) return undefined;
  try {
    return schema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  } catch {
    return undefined;
  }
};

export class S3Catalog {
  constructor(private readonly store: ObjectStore) {}

  async createBucket(name: string): Promise<void> {
    await this.store.put(CATALOG_BUCKET, `buckets/${name}`, json({ created: new Date().toISOString() }));
  }

  async deleteBucket(name: string): Promise<void> {
    await this.store.delete(CATALOG_BUCKET, `buckets/${name}`);
  }

  async bucketCreated(name: string): Promise<Date | undefined> {
    const info = await this.store.head(CATALOG_BUCKET, `buckets/${name}`);
    return info?.lastModified;
  }

  /** Buckets created through S3 (bounded by the listing pages of the catalog bucket). */
  async buckets(): Promise<{ name: string; created: Date }[]> {
    const out: { name: string; created: Date }[] = [];
    let startAfter: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const r = await this.store.list(CATALOG_BUCKET, { prefix: 'buckets/', ...(startAfter ? { startAfter } : {}) });
      for (const o of r.objects) out.push({ name: o.key.slice('buckets/'.length), created: o.lastModified });
      if (!r.nextStartAfter) break;
      startAfter = r.nextStartAfter;
    }
    return out;
  }

  async meta(bucket: string, key: string, body: Uint8Array): Promise<ObjectMeta | undefined> {
    const m = parse(metaSchema, (await this.safeGet(`meta/${bucket}/${key}`))?.body);
    return m && m.md5 === md5Hex(body) ? m : undefined;
  }

  /** Metadata trusted without reading the body: the object still has the size and mtime it had when written. */
  async metaByStat(bucket: string, key: string, size: number, mtime: Date): Promise<ObjectMeta | undefined> {
    const m = parse(metaSchema, (await this.safeGet(`meta/${bucket}/${key}`))?.body);
    return m && m.size === size && m.mtime === mtime.getTime() ? m : undefined;
  }

  async setMeta(bucket: string, key: string, meta: ObjectMeta): Promise<void> {
    await this.safe(() => this.store.put(CATALOG_BUCKET, `meta/${bucket}/${key}`, json(meta)));
  }

  async deleteMeta(bucket: string, key: string): Promise<void> {
    await this.safe(() => this.store.delete(CATALOG_BUCKET, `meta/${bucket}/${key}`));
  }

  async startUpload(u: Omit<MultipartUpload, 'initiated'>): Promise<string> {
    const id = randomUUID().replace(/-/g, '');
    await this.store.put(CATALOG_BUCKET, `mpu/${id}/upload`, json({ ...u, initiated: new Date().toISOString() }));
    return id;
  }

  async upload(id: string): Promise<MultipartUpload | undefined> {
    if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
    return parse(uploadSchema, (await this.store.get(CATALOG_BUCKET, `mpu/${id}/upload`))?.body);
  }

  async putPart(id: string, part: number, body: Uint8Array): Promise<void> {
    await this.store.put(CATALOG_BUCKET, `mpu/${id}/part-${String(part).padStart(5, '0')}`, body);
  }

  async part(id: string, part: number): Promise<Uint8Array | undefined> {
    return (await this.store.get(CATALOG_BUCKET, `mpu/${id}/part-${String(part).padStart(5, '0')}`))?.body;
  }

  /** Bytes of a staged part (0 when there is none), so that a re-sent part counts only its difference. */
  async partSize(id: string, part: number): Promise<number> {
    return (await this.store.head(CATALOG_BUCKET, `mpu/${id}/part-${String(part).padStart(5, '0')}`))?.size ?? 0;
  }

  /** Bytes of every part staged for one upload. */
  async uploadBytes(id: string): Promise<number> {
    let bytes = 0;
    await this.eachPage(`mpu/${id}/`, (o) => {
      if (o.key.includes('/part-')) bytes += o.size;
    });
    return bytes;
  }

  /** Bytes of the parts staged for a bucket by uploads in progress: they count against its quota. */
  async stagedBytes(bucket: string): Promise<number> {
    const perUpload = new Map<string, number>();
    await this.eachPage('mpu/', (o) => {
      const [, id, name] = o.key.split('/');
      if (id && name?.startsWith('part-')) perUpload.set(id, (perUpload.get(id) ?? 0) + o.size);
    });
    let bytes = 0;
    for (const [id, size] of perUpload) if ((await this.upload(id))?.bucket === bucket) bytes += size;
    return bytes;
  }

  private async eachPage(prefix: string, visit: (o: { key: string; size: number }) => void): Promise<void> {
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.store.list(CATALOG_BUCKET, { prefix, ...(startAfter ? { startAfter } : {}) });
      page.objects.forEach(visit);
      if (!page.nextStartAfter) return;
      startAfter = page.nextStartAfter;
    }
  }

  /** Removes the upload and every part it holds (at most 10,000 parts, so bounded). */
  async dropUpload(id: string): Promise<void> {
    const r = await this.store.list(CATALOG_BUCKET, { prefix: `mpu/${id}/` });
    let page = r;
    for (let i = 0; i < 20; i++) {
      await Promise.all(page.objects.map((o) => this.store.delete(CATALOG_BUCKET, o.key)));
      if (!page.nextStartAfter) break;
      page = await this.store.list(CATALOG_BUCKET, { prefix: `mpu/${id}/`, startAfter: page.nextStartAfter });
    }
  }

  /** Catalog keys embed the object key; one the store cannot hold only loses its metadata, never the object. */
  private async safe<T>(run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch {
      return undefined;
    }
  }

  private safeGet(key: string) {
    return this.safe(() => this.store.get(CATALOG_BUCKET, key));
  }
}
