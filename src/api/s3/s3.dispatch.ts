// Which S3 operation a request is: by method, whether it names a bucket and a key, and its sub-resource query
// parameters (?uploads, ?uploadId, ?delete, ?location, list-type=2 …). Sub-resources Facegate does not keep
// (ACLs, policies, versioning, tagging, …) answer NotImplemented rather than pretending.
import * as buckets from './s3.buckets.ts';
import { S3Error } from './s3.errors.ts';
import * as multipart from './s3.multipart.ts';
import * as objects from './s3.objects.ts';
import { CATALOG_BUCKET } from './s3.catalog.ts';
import type { S3Deps, S3Request, S3Response } from './s3.types.ts';

const UNSUPPORTED = [
  'acl',
  'policy',
  'versioning',
  'tagging',
  'cors',
  'lifecycle',
  'website',
  'notification',
  'replication',
  'encryption',
  'versions',
  'object-lock',
  'retention',
  'legal-hold',
  'torrent',
  'select',
  'restore',
  'accelerate',
  'logging',
  'requestPayment',
  'inventory',
  'analytics',
  'metrics',
  'ownershipControls',
  'publicAccessBlock',
  'intelligent-tiering',
  'attributes',
];

export async function dispatch(deps: S3Deps, req: S3Request, principal: string): Promise<S3Response> {
  const { method, bucket, key, query } = req;
  if (bucket === CATALOG_BUCKET) throw new S3Error('AccessDenied', 'Access Denied');
  const sub = UNSUPPORTED.find((s) => query.has(s));
  if (sub) throw new S3Error('NotImplemented', `The ?${sub} sub-resource is not supported by this server`);
  if (!bucket) {
    if (method === 'GET') return buckets.listBuckets(deps);
    throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }
  if (!key) {
    switch (method) {
      case 'GET':
        return query.has('location') ? buckets.getBucketLocation(deps, req) : buckets.listObjects(deps, req);
      case 'HEAD':
        await buckets.requireBucket(deps, bucket).catch(() => {
          throw new S3Error('NoSuchBucket', '');
        });
        return {};
      case 'PUT':
        return buckets.createBucket(deps, req);
      case 'DELETE':
        return buckets.deleteBucket(deps, req);
      case 'POST':
        if (query.has('delete')) return objects.deleteObjects(deps, req);
    }
    throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }
  switch (method) {
    case 'GET':
      return objects.getObject(deps, req, false);
    case 'HEAD':
      return objects.getObject(deps, req, true);
    case 'PUT':
      if (query.has('uploadId')) return multipart.uploadPart(deps, req);
      if (req.headers['x-amz-copy-source'] !== undefined) return objects.copyObject(deps, req, principal);
      return objects.putObject(deps, req, principal);
    case 'DELETE':
      if (query.has('uploadId')) return multipart.abortUpload(deps, req);
      return objects.deleteObject(deps, req);
    case 'POST':
      if (query.has('uploads')) return multipart.createUpload(deps, req);
      if (query.has('uploadId')) return multipart.completeUpload(deps, req, principal);
  }
  throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.');
}
