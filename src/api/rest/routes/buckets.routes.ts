// /v1/buckets/{bucket}/quota: a user bucket's storage quota (bytes and objects) and what it holds. Admins set a
// bucket's own limits (0 = unlimited, null = the configured default) and recount its usage from the object store.
import { z } from 'zod';
import type { BucketQuotas } from '../../../storage/quota/bucket-quota.service.ts';
import { route, type AnyRouteSpec } from '../rest.route.ts';

const bucket = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a bucket name: 3–63 of a-z, 0-9, "." and "-"')
  .refine((b) => !b.includes('..'), 'a bucket name has no ".."');
const limit = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional();
const quotaView = z.object({
  bucket: z.string(),
  maxBytes: z.number().describe('bytes; 0 = unlimited'),
  maxObjects: z.number().describe('0 = unlimited'),
  own: z.object({ maxBytes: z.boolean(), maxObjects: z.boolean() }).describe('false: the configured default'),
  usedBytes: z.number(),
  usedObjects: z.number(),
});

export function bucketsRoutes(quotas: () => Promise<BucketQuotas>): AnyRouteSpec[] {
  const tag = 'Pipeline (uploads, runs, events, notifications)';
  const params = z.object({ bucket });
  return [
    route({
      method: 'GET',
      url: '/buckets/:bucket/quota',
      operationId: 'getBucketQuota',
      summary: 'A user bucket’s storage quota and usage (bytes, objects)',
      tag,
      access: 'read',
      scope: { app: 'pipeline' },
      params,
      response: quotaView,
      errors: ['INVALID_PARAMETER'],
      handler: async ({ params }) => (await quotas()).status(params.bucket),
    }),
    route({
      method: 'PUT',
      url: '/buckets/:bucket/quota',
      operationId: 'putBucketQuota',
      summary: 'Set a bucket’s own limits: bytes and objects, 0 = unlimited, null or absent = the configured default',
      tag,
      access: 'admin',
      scope: { app: 'pipeline' },
      params,
      body: z.object({ maxBytes: limit, maxObjects: limit }),
      bodyKind: 'json',
      response: quotaView,
      errors: ['INVALID_PARAMETER'],
      handler: async ({ params, body }) =>
        (await quotas()).setLimits(params.bucket, {
          maxBytes: body.maxBytes ?? null,
          maxObjects: body.maxObjects ?? null,
        }),
    }),
    route({
      method: 'DELETE',
      url: '/buckets/:bucket/quota',
      operationId: 'deleteBucketQuota',
      summary: 'Drop a bucket’s own limits: the configured defaults apply again',
      tag,
      access: 'admin',
      scope: { app: 'pipeline' },
      params,
      response: quotaView,
      errors: ['INVALID_PARAMETER'],
      handler: async ({ params }) => (await quotas()).setLimits(params.bucket, { maxBytes: null, maxObjects: null }),
    }),
    route({
      method: 'POST',
      url: '/buckets/:bucket/quota/recount',
      operationId: 'recountBucketUsage',
      summary: 'Count the bucket again from the object store (repairs drift after a crash mid-write)',
      tag,
      access: 'admin',
      scope: { app: 'pipeline' },
      params,
      response: quotaView,
      errors: ['INVALID_PARAMETER'],
      handler: async ({ params }) => (await quotas()).recount(params.bucket),
    }),
  ];
}
