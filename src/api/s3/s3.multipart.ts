// Multipart upload (the CLI and lib-storage switch to it above 8 MB): Create → UploadPart × N → Complete (or
// Abort). Parts are staged in the S3 catalog's bucket, so an upload survives a restart; Complete joins them in the
// order the client lists, checks each ETag, and stores one object whose ETag is S3's MD5-of-part-MD5s-N.
import { createHash } from 'node:crypto';
import { requireBucket } from './s3.buckets.ts';
import { md5Hex } from './s3.catalog.ts';
import { checkIntegrity } from './s3.checksums.ts';
import { S3Error } from './s3.errors.ts';
import { storeObject, userMeta } from './s3.objects.ts';
import { header, requireKey, requireWritable, type S3Deps, type S3Request, type S3Response } from './s3.types.ts';
import { elements, text, xmlDocument } from './s3.xml.ts';

const XML = { 'content-type': 'application/xml' };
const MIN_PART = 5 * 1024 * 1024;

async function uploadOf(deps: S3Deps, req: S3Request) {
  const id = req.query.get('uploadId') ?? '';
  const u = await deps.catalog.upload(id);
  if (!u || u.bucket !== req.bucket || u.key !== req.key) {
    throw new S3Error(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { UploadId: id },
    );
  }
  return { id, upload: u };
}

export async function createUpload(deps: S3Deps, req: S3Request): Promise<S3Response> {
  const bucket = req.bucket!;
  const key = requireKey(req);
  requireWritable(deps, bucket);
  await requireBucket(deps, bucket);
  const contentType = header(req, 'content-type');
  const id = await deps.catalog.startUpload({
    bucket,
    key,
    ...(contentType ? { contentType } : {}),
    meta: userMeta(req),
  });
  return {
    headers: XML,
    body: xmlDocument('InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: id }),
  };
}

export async function uploadPart(deps: S3Deps, req: S3Request): Promise<S3Response> {
  const { id, upload } = await uploadOf(deps, req);
  const part = Number(req.query.get('partNumber'));
  if (!Number.isInteger(part) || part < 1 || part > 10_000) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  }
  checkIntegrity(req.body, req.headers, req.trailers);
  // The parts of one upload never hold more than the object they assemble may; while staged they count for the
  // bucket's quota (a re-sent part only by its difference), so unfinished uploads cannot fill the disk either.
  const previous = await deps.catalog.partSize(id, part);
  const staged = (await deps.catalog.uploadBytes(id)) - previous + req.body.byteLength;
  if (staged > deps.maxObjectBytes) {
    throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
      MaxSizeAllowed: String(deps.maxObjectBytes),
    });
  }
  const delta = { bytes: req.body.byteLength - previous, objects: 0 };
  await deps.quotas?.reserve(upload.bucket, delta);
  try {
    await deps.catalog.putPart(id, part, req.body);
  } catch (e) {
    await deps.quotas?.adjust(upload.bucket, { bytes: -delta.bytes, objects: 0 }).catch(() => undefined);
    throw e;
  }
  return { headers: { etag: `"${md5Hex(req.body)}"` } };
}

export async function abortUpload(deps: S3Deps, req: S3Request): Promise<S3Response> {
  const { id, upload } = await uploadOf(deps, req);
  const staged = await deps.catalog.uploadBytes(id);
  await deps.catalog.dropUpload(id);
  await deps.quotas?.adjust(upload.bucket, { bytes: -staged, objects: 0 });
  return { status: 204 };
}

export async function completeUpload(deps: S3Deps, req: S3Request, principal: string): Promise<S3Response> {
  const { id, upload } = await uploadOf(deps, req);
  const xml = req.body.toString('utf8');
  const listed = elements(xml, 'Part').map((p) => ({
    number: Number(text(p, 'PartNumber')),
    etag: (text(p, 'ETag') ?? '').replace(/"/g, ''),
  }));
  if (!/<CompleteMultipartUpload[\s>]/.test(xml) || listed.length === 0) {
    throw new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
    );
  }
  const buffers: Uint8Array[] = [];
  const digests: Buffer[] = [];
  let total = 0;
  for (const [i, p] of listed.entries()) {
    if (i > 0 && p.number <= listed[i - 1]!.number) {
      throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order.');
    }
    const body = await deps.catalog.part(id, p.number);
    if (!body || md5Hex(body) !== p.etag) {
      throw new S3Error(
        'InvalidPart',
        'One or more of the specified parts could not be found or its ETag did not match.',
      );
    }
    if (i < listed.length - 1 && body.byteLength < MIN_PART) {
      throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
    }
    total += body.byteLength;
    if (total > deps.maxObjectBytes) {
      throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    }
    buffers.push(body);
    digests.push(createHash('md5').update(body).digest());
  }
  const etag = `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${listed.length}`;
  // The parts' bytes leave the quota as the object takes its own (else a large upload would count twice); a refused
  // or failed store puts them back, and the upload stays for a retry or an abort.
  const staged = await deps.catalog.uploadBytes(id);
  await deps.quotas?.adjust(upload.bucket, { bytes: -staged, objects: 0 });
  try {
    await storeObject(
      deps,
      req,
      { bucket: upload.bucket, key: upload.key },
      Buffer.concat(buffers),
      { ...(upload.contentType ? { contentType: upload.contentType } : {}), meta: upload.meta, etag },
      'ObjectCreated:CompleteMultipartUpload',
      principal,
    );
  } catch (e) {
    await deps.quotas?.adjust(upload.bucket, { bytes: staged, objects: 0 }).catch(() => undefined);
    throw e;
  }
  await deps.catalog.dropUpload(id);
  return {
    headers: XML,
    body: xmlDocument('CompleteMultipartUploadResult', {
      Location: `/${upload.bucket}/${upload.key}`,
      Bucket: upload.bucket,
      Key: upload.key,
      ETag: `"${etag}"`,
    }),
  };
}
