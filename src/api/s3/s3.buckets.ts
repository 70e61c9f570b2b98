// Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation and the listings
// (ListObjectsV2 with prefix, delimiter, continuation token, start-after; ListObjects v1 with marker). A bucket
// exists when it was created through S3, is one the apps or pipelines use, or holds an object.
import { awsUriEscape } from '../../auth/sigv4.canonical.ts';
import { CATALOG_BUCKET, md5Hex } from './s3.catalog.ts';
import { S3Error } from './s3.errors.ts';
import { BUCKET_NAME, isoDate, requireWritable, type S3Deps, type S3Request, type S3Response } from './s3.types.ts';
import { xmlDocument, type XmlTree } from './s3.xml.ts';

const OWNER = { ID: 'facegate', DisplayName: 'facegate' };
const XML = { 'content-type': 'application/xml' };
/** Buckets the apps use were not created through S3; they report this process's start as their creation date. */
const STARTED = new Date();

export async function bucketExists(deps: S3Deps, bucket: string): Promise<boolean> {
  if (bucket === CATALOG_BUCKET || !BUCKET_NAME.test(bucket)) return false;
  if (await deps.catalog.bucketCreated(bucket)) return true;
  if ((await deps.knownBuckets()).includes(bucket)) return true;
  return (await deps.objects.list(bucket, { limit: 1 })).objects.length > 0;
}

export async function requireBucket(deps: S3Deps, bucket: string): Promise<void> {
  if (!(await bucketExists(deps, bucket))) {
    throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  }
}

export async function listBuckets(deps: S3Deps): Promise<S3Response> {
  const created = await deps.catalog.buckets();
  const names = new Map(created.map((b) => [b.name, b.created]));
  for (const b of await deps.knownBuckets()) if (!names.has(b)) names.set(b, STARTED);
  const buckets = [...names.entries()]
    .filter(([n]) => BUCKET_NAME.test(n))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([Name, d]) => ({ Name, CreationDate: isoDate(d) }));
  return {
    headers: XML,
    body: xmlDocument('ListAllMyBucketsResult', { Owner: OWNER, Buckets: { Bucket: buckets } }),
  };
}

export async function createBucket(deps: S3Deps, req: S3Request): Promise<S3Response> {
  const bucket = req.bucket!;
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..') || bucket === CATALOG_BUCKET) {
    throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket });
  }
  requireWritable(deps, bucket);
  if (await bucketExists(deps, bucket)) {
    throw new S3Error(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      { BucketName: bucket },
    );
  }
  await deps.catalog.createBucket(bucket);
  return { headers: { location: `/${bucket}` } };
}

export async function deleteBucket(deps: S3Deps, req: S3Request): Promise<S3Response> {
  const bucket = req.bucket!;
  await requireBucket(deps, bucket);
  requireWritable(deps, bucket);
  if ((await deps.objects.list(bucket, { limit: 1 })).objects.length > 0) {
    throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: bucket });
  }
  await deps.catalog.deleteBucket(bucket);
  return { status: 204 };
}

export async function getBucketLocation(deps: S3Deps, req: S3Request): Promise<S3Response> {
  await requireBucket(deps, req.bucket!);
  return {
    headers: XML,
    body: xmlDocument('LocationConstraint', {}).replace('</LocationConstraint>', `${req.region}</LocationConstraint>`),
  };
}

interface Entry {
  key: string;
  size: number;
  lastModified: Date;
}

/** Walks the store's pages from `after`, grouping keys by delimiter, until maxKeys entries (bounded by page count). */
async function collect(
  deps: S3Deps,
  bucket: string,
  o: { prefix: string; delimiter: string; after: string | undefined; maxKeys: number },
): Promise<{ contents: Entry[]; prefixes: string[]; truncated: boolean; last: string | undefined }> {
  const contents: Entry[] = [];
  const prefixes: string[] = [];
  let last: string | undefined;
  let cursor = o.after;
  // A continuation that ended on a common prefix resumes after every key of that group.
  let skip = o.delimiter && o.after?.endsWith(o.delimiter) ? o.after : undefined;
  for (let page = 0; page < 100_000; page++) {
    const r = await deps.objects.list(bucket, { prefix: o.prefix, ...(cursor ? { startAfter: cursor } : {}) });
    for (const obj of r.objects) {
      cursor = obj.key;
      if (skip && obj.key.startsWith(skip)) continue;
      const rest = obj.key.slice(o.prefix.length);
      const cut = o.delimiter ? rest.indexOf(o.delimiter) : -1;
      const group = cut >= 0 ? o.prefix + rest.slice(0, cut + o.delimiter.length) : undefined;
      if (group !== undefined && group === prefixes.at(-1)) continue;
      if (contents.length + prefixes.length >= o.maxKeys) return { contents, prefixes, truncated: true, last };
      if (group !== undefined) {
        prefixes.push(group);
        skip = group;
        last = group;
      } else {
        contents.push(obj);
        last = obj.key;
      }
    }
    if (!r.nextStartAfter) break;
  }
  return { contents, prefixes, truncated: false, last };
}

async function etagOf(deps: S3Deps, bucket: string, e: Entry): Promise<string> {
  // Objects written through S3 list from their metadata; others are read once to hash them.
  const known = await deps.catalog.metaByStat(bucket, e.key, e.size, e.lastModified);
  if (known) return `"${known.etag ?? known.md5}"`;
  const key = e.key;
  const got = await deps.objects.get(bucket, key);
  if (!got) return '""';
  const meta = await deps.catalog.meta(bucket, key, got.body);
  return `"${meta?.etag ?? md5Hex(got.body)}"`;
}

export async function listObjects(deps: S3Deps, req: S3Request): Promise<S3Response> {
  const bucket = req.bucket!;
  await requireBucket(deps, bucket);
  const q = req.query;
  const v2 = q.get('list-type') === '2';
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = Math.min(Math.max(Number(q.get('max-keys') ?? 1000) || 0, 0), 1000);
  const url = q.get('encoding-type') === 'url';
  const enc = (s: string) => (url ? awsUriEscape(s).replace(/%2F/g, '/') : s);
  const token = q.get('continuation-token');
  let after: string | undefined;
  if (v2 && token !== null) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (!after) throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect');
  } else after = (v2 ? q.get('start-after') : q.get('marker')) ?? undefined;
  const r = await collect(deps, bucket, { prefix, delimiter, after: after || undefined, maxKeys });
  const contents: XmlTree[] = [];
  for (const e of r.contents) {
    contents.push({
      Key: enc(e.key),
      LastModified: isoDate(e.lastModified),
      ETag: await etagOf(deps, bucket, e),
      Size: e.size,
      StorageClass: 'STANDARD',
      ...(v2 ? {} : { Owner: OWNER }),
    });
  }
  const tree: XmlTree = {
    Name: bucket,
    Prefix: enc(prefix),
    ...(v2 ? {} : { Marker: enc(after ?? '') }),
    ...(v2 && token !== null ? { ContinuationToken: token } : {}),
    ...(v2 && q.get('start-after') ? { StartAfter: enc(q.get('start-after')!) } : {}),
    ...(v2 ? { KeyCount: r.contents.length + r.prefixes.length } : {}),
    MaxKeys: maxKeys,
    ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
    ...(url ? { EncodingType: 'url' } : {}),
    IsTruncated: r.truncated,
    ...(r.truncated && r.last !== undefined
      ? v2
        ? { NextContinuationToken: Buffer.from(r.last).toString('base64url') }
        : delimiter
          ? { NextMarker: enc(r.last) }
          : {}
      : {}),
    Contents: contents,
    CommonPrefixes: r.prefixes.map((p) => ({ Prefix: enc(p) })),
  };
  return { headers: XML, body: xmlDocument('ListBucketResult', tree) };
}
