// Object operations: PutObject, GetObject (with Range and the conditional headers), HeadObject, DeleteObject,
// DeleteObjects, CopyObject. The bytes live in the ObjectStore (so the REST bucket routes see the same objects);
// Content-Type and x-amz-meta-* in the S3 catalog. Keys are names, never paths: the store encodes them.
import { randomUUID } from 'node:crypto';
import { safeDecode } from '../../auth/sigv4.canonical.ts';
import { FacegateError } from '../../errors.ts';
import { requireBucket } from './s3.buckets.ts';
import { md5Hex, type ObjectMeta } from './s3.catalog.ts';
import { checkIntegrity } from './s3.checksums.ts';
import { S3Error } from './s3.errors.ts';
import {
  header,
  httpDate,
  isoDate,
  requireKey,
  requireWritable,
  type S3Deps,
  type S3Request,
  type S3Response,
} from './s3.types.ts';
import { elements, xmlDocument, xmlUnescape } from './s3.xml.ts';

const noSuchKey = (key: string) => new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });

/** The store refuses keys it cannot hold (empty segments, too long): S3's KeyTooLongError / InvalidArgument. */
async function storeCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof FacegateError && e.code === 'INVALID_PARAMETER') {
      throw new S3Error(/too long/.test(e.message) ? 'KeyTooLongError' : 'InvalidArgument', e.message);
    }
    throw e;
  }
}

export function userMeta(req: S3Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.startsWith('x-amz-meta-') && typeof v === 'string') out[k.slice('x-amz-meta-'.length)] = v;
  }
  return out;
}

/** Stores bytes with their metadata and reports the write; used by Put, Copy and CompleteMultipartUpload. */
export async function storeObject(
  deps: S3Deps,
  req: S3Request,
  target: { bucket: string; key: string },
  body: Uint8Array,
  meta: Omit<ObjectMeta, 'md5'>,
  eventName: 'ObjectCreated:Put' | 'ObjectCreated:Copy' | 'ObjectCreated:CompleteMultipartUpload',
  principal: string,
): Promise<{ etag: string; lastModified: Date }> {
  if (body.byteLength > deps.maxObjectBytes) {
    throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
      MaxSizeAllowed: String(deps.maxObjectBytes),
    });
  }
  const md5 = md5Hex(body);
  const info = await storeCall(() => deps.objects.put(target.bucket, target.key, body));
  await deps.catalog.setMeta(target.bucket, target.key, {
    ...meta,
    md5,
    size: info.size,
    mtime: info.lastModified.getTime(),
  });
  const etag = meta.etag ?? md5;
  await deps.objectCreated({
    ...target,
    size: body.byteLength,
    etag,
    versionId: randomUUID(),
    eventName,
    region: req.region,
    principal,
  });
  return { etag, lastModified: info.lastModified };
}

export async function putObject(deps: S3Deps, req: S3Request, principal: string): Promise<S3Response> {
  const bucket = req.bucket!;
  const key = requireKey(req);
  requireWritable(deps, bucket);
  await requireBucket(deps, bucket);
  checkIntegrity(req.body, req.headers, req.trailers);
  const contentType = header(req, 'content-type');
  const { etag } = await storeObject(
    deps,
    req,
    { bucket, key },
    req.body,
    { ...(contentType ? { contentType } : {}), meta: userMeta(req) },
    'ObjectCreated:Put',
    principal,
  );
  return { headers: { etag: `"${etag}"` } };
}

function objectHeaders(size: number, lastModified: Date, etag: string, meta: ObjectMeta | undefined) {
  const h: Record<string, string> = {
    'content-type': meta?.contentType ?? 'binary/octet-stream',
    etag: `"${etag}"`,
    'last-modified': httpDate(lastModified),
    'accept-ranges': 'bytes',
    'content-length': String(size),
  };
  for (const [k, v] of Object.entries(meta?.meta ?? {})) h[`x-amz-meta-${k}`] = v;
  return h;
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` → [start, end] inclusive; undefined when absent; InvalidRange when unsatisfiable. */
function parseRange(text: string | undefined, size: number): [number, number] | undefined {
  if (!text) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(text.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // S3 ignores a range it cannot parse
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(size - Number(m[2]), 0);
    end = size - 1;
    if (Number(m[2]) === 0) start = size;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size || size === 0) {
    throw new S3Error('InvalidRange', 'The requested range is not satisfiable', {
      RangeRequested: text,
      ActualObjectSize: String(size),
    });
  }
  return [start, end];
}

function preconditions(req: S3Request, etag: string, lastModified: Date): number | undefined {
  const ifMatch = header(req, 'if-match');
  if (ifMatch && !ifMatch.split(',').some((t) => t.trim() === '*' || t.trim().replace(/"/g, '') === etag)) {
    throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
  }
  const ifNone = header(req, 'if-none-match');
  if (ifNone && ifNone.split(',').some((t) => t.trim() === '*' || t.trim().replace(/"/g, '') === etag)) return 304;
  const since = header(req, 'if-modified-since');
  if (!ifNone && since && Math.floor(lastModified.getTime() / 1000) <= Math.floor(Date.parse(since) / 1000)) return 304;
  return undefined;
}

export async function getObject(deps: S3Deps, req: S3Request, headOnly: boolean): Promise<S3Response> {
  const bucket = req.bucket!;
  const key = requireKey(req);
  const got = await storeCall(() => deps.objects.get(bucket, key));
  if (!got) {
    await requireBucket(deps, bucket);
    if (headOnly) throw new S3Error('NoSuchKey', ''); // HEAD answers with a status and no body
    throw noSuchKey(key);
  }
  const meta = await deps.catalog.meta(bucket, key, got.body);
  const etag = meta?.etag ?? md5Hex(got.body);
  const size = got.body.byteLength;
  const headers = objectHeaders(size, got.info.lastModified, etag, meta);
  const cond = preconditions(req, etag, got.info.lastModified);
  if (cond === 304)
    return { status: 304, headers: { etag: headers.etag!, 'last-modified': headers['last-modified']! } };
  const range = parseRange(header(req, 'range'), size);
  const override = (name: string, q: string) => {
    const v = req.query.get(q);
    if (v) headers[name] = v;
  };
  override('content-type', 'response-content-type');
  override('content-disposition', 'response-content-disposition');
  override('cache-control', 'response-cache-control');
  if (!range) return { headers, body: headOnly ? undefined : Buffer.from(got.body) };
  const [start, end] = range;
  headers['content-range'] = `bytes ${start}-${end}/${size}`;
  headers['content-length'] = String(end - start + 1);
  return { status: 206, headers, body: headOnly ? undefined : Buffer.from(got.body.subarray(start, end + 1)) };
}

export async function deleteObject(deps: S3Deps, req: S3Request): Promise<S3Response> {
  const bucket = req.bucket!;
  const key = requireKey(req);
  requireWritable(deps, bucket);
  await requireBucket(deps, bucket);
  await storeCall(() => deps.objects.delete(bucket, key));
  await deps.catalog.deleteMeta(bucket, key);
  return { status: 204 };
}

export async function deleteObjects(deps: S3Deps, req: S3Request): Promise<S3Response> {
  const bucket = req.bucket!;
  requireWritable(deps, bucket);
  await requireBucket(deps, bucket);
  checkIntegrity(req.body, req.headers, req.trailers);
  const xml = req.body.toString('utf8');
  if (!/<Delete[\s>]/.test(xml)) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed');
  const keys = elements(xml, 'Object').map((o) => xmlUnescape(elements(o, 'Key')[0] ?? ''));
  if (keys.length === 0 || keys.length > 1000) {
    throw new S3Error('MalformedXML', 'A Delete request names 1 to 1000 objects');
  }
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(xml);
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  for (const key of keys) {
    try {
      await storeCall(() => deps.objects.delete(bucket, key));
      await deps.catalog.deleteMeta(bucket, key);
      deleted.push({ Key: key });
    } catch (e) {
      errors.push({ Key: key, Code: e instanceof S3Error ? e.code : 'InternalError', Message: (e as Error).message });
    }
  }
  return {
    headers: { 'content-type': 'application/xml' },
    body: xmlDocument('DeleteResult', { Deleted: quiet ? [] : deleted, Error: errors }),
  };
}

export async function copyObject(deps: S3Deps, req: S3Request, principal: string): Promise<S3Response> {
  const bucket = req.bucket!;
  const key = requireKey(req);
  requireWritable(deps, bucket);
  await requireBucket(deps, bucket);
  const source = safeDecode((header(req, 'x-amz-copy-source') ?? '').split('?')[0]!).replace(/^\//, '');
  const slash = source.indexOf('/');
  if (slash <= 0 || slash === source.length - 1) {
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  }
  const [srcBucket, srcKey] = [source.slice(0, slash), source.slice(slash + 1)];
  const got = await storeCall(() => deps.objects.get(srcBucket, srcKey));
  if (!got) {
    await requireBucket(deps, srcBucket);
    throw noSuchKey(srcKey);
  }
  const srcMeta = await deps.catalog.meta(srcBucket, srcKey, got.body);
  const replace = header(req, 'x-amz-metadata-directive') === 'REPLACE';
  if (!replace && srcBucket === bucket && srcKey === key) {
    throw new S3Error(
      'InvalidRequest',
      'This copy request is illegal because it is trying to copy an object to itself without changing the metadata.',
    );
  }
  const contentType = replace ? header(req, 'content-type') : srcMeta?.contentType;
  const { etag, lastModified } = await storeObject(
    deps,
    req,
    { bucket, key },
    got.body,
    { ...(contentType ? { contentType } : {}), meta: replace ? userMeta(req) : (srcMeta?.meta ?? {}) },
    'ObjectCreated:Copy',
    principal,
  );
  return {
    headers: { 'content-type': 'application/xml' },
    body: xmlDocument('CopyObjectResult', { LastModified: isoDate(lastModified), ETag: `"${etag}"` }),
  };
}
