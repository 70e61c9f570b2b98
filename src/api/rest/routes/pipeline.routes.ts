// /v1/pipelines, /v1/runs, /v1/buckets, /v1/events, /v1/subscriptions, /v1/deliveries, /v1/sms-outbox: the upload
// pipeline. Uploads and bucket PUTs start runs; S3/MinIO notifications posted here start runs; runs, events and
// deliveries are read back for the console.
import { z } from 'zod';
import type { OpenedPipeline } from '../../../apps/pipeline/pipeline.factory.ts';
import { FacegateError } from '../../../errors.ts';
import { base64BodyLimit, base64Image } from '../image.input.ts';
import { seesCollection } from '../rest.auth.ts';
import { route, type AnyRouteSpec, type RouteScope } from '../rest.route.ts';
import { notifyRoutes } from './notify.routes.ts';
import { eventView, json, name, runJson, runView, userId } from './pipeline.views.ts';
import { collectionOf, oneImage } from './route.helpers.ts';

/** `maxObjectBytes`: bucket PUTs take what Image.S3Object reads (15 MB), not only the inline-image limit. */
export function pipelineRoutes(
  pipeline: () => Promise<OpenedPipeline>,
  maxImageBytes: number,
  maxObjectBytes = maxImageBytes,
): AnyRouteSpec[] {
  const tag = 'Pipeline (uploads, runs, events, notifications)';
  const runs = z.object({ runs: z.array(runView) });
  // Routes on one pipeline (or one of its runs) reach its collection: collection-scoped keys may use theirs.
  const pipelineCollection = async (name: string) => (await (await pipeline()).service.get(name)).collectionId;
  const pipelineScope = {
    app: 'pipeline',
    collection: ({ params }) => collectionOf(() => pipelineCollection(String(params.name))),
  } satisfies RouteScope;
  const runScope = {
    app: 'pipeline',
    collection: ({ params }) =>
      collectionOf(async () =>
        pipelineCollection((await (await pipeline()).service.run(String(params.runId))).pipeline),
      ),
  } satisfies RouteScope;
  return [
    route({
      method: 'GET',
      url: '/pipelines',
      operationId: 'listPipelines',
      summary: 'List pipeline definitions',
      tag,
      access: 'read',
      scope: { app: 'pipeline', listing: true },
      response: z.object({ pipelines: z.array(json) }),
      handler: async ({ request }) => ({
        pipelines: (await (await pipeline()).service.list()).filter((d) =>
          seesCollection(request.principal, d.collectionId),
        ),
      }),
    }),
    route({
      method: 'PUT',
      url: '/pipelines/:name',
      operationId: 'putPipeline',
      summary: 'Create or replace a pipeline (collection, bucket, watched directory, stages, checks, thresholds)',
      tag,
      access: 'admin',
      scope: { app: 'pipeline' },
      params: z.object({ name }),
      body: json,
      bodyKind: 'json',
      response: json,
      errors: ['INVALID_PARAMETER'],
      handler: async ({ params, body }) => (await pipeline()).service.define({ ...body, name: params.name }),
    }),
    route({
      method: 'GET',
      url: '/pipelines/:name',
      operationId: 'getPipeline',
      summary: 'A pipeline definition',
      tag,
      access: 'read',
      scope: pipelineScope,
      params: z.object({ name }),
      response: json,
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => (await pipeline()).service.get(params.name),
    }),
    route({
      method: 'POST',
      url: '/pipelines/:name/uploads',
      operationId: 'uploadToPipeline',
      summary:
        'Upload a photo (raw body, multipart file or JSON base64 "image"); starts a run. `userId` becomes the ExternalImageId',
      tag,
      access: 'write',
      scope: pipelineScope,
      status: 202,
      bodyKind: 'image-or-json',
      bodyLimit: base64BodyLimit(maxImageBytes),
      params: z.object({ name }),
      query: z.object({ userId }),
      body: z.object({ image: base64Image(maxImageBytes), userId }),
      response: runView,
      errors: ['NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'],
      handler: async (ctx) => {
        const image = await oneImage(ctx);
        const uid = (ctx.body as { userId?: string } | undefined)?.userId ?? ctx.query.userId;
        return runJson(await (await pipeline()).service.upload(ctx.params.name, image, { userId: uid }));
      },
    }),
    route({
      method: 'PUT',
      url: '/buckets/:bucket/objects/*',
      operationId: 'putObject',
      summary: 'Store an object in a bucket (raw body); every pipeline bound to the bucket starts a run on it',
      tag,
      access: 'write',
      scope: { app: 'pipeline' },
      bodyKind: 'image',
      bodyLimit: maxObjectBytes,
      params: z.object({ bucket: name, '*': z.string().min(1).max(1024) }),
      query: z.object({ userId }),
      response: z.object({ bucket: z.string(), key: z.string(), size: z.number(), runs: z.array(runView) }),
      handler: async (ctx) => {
        const body = ctx.request.body;
        if (!Buffer.isBuffer(body) || body.length === 0)
          throw new FacegateError('INVALID_PARAMETER', 'The object body is empty');
        const p = await pipeline();
        const { bucket, '*': key } = ctx.params;
        const info = await p.service.putObject(bucket, key, new Uint8Array(body), ctx.query.userId);
        return { bucket, key, size: info.size, runs: info.runs.map(runJson) };
      },
    }),
    route({
      method: 'POST',
      url: '/pipelines/s3-events',
      operationId: 's3EventNotification',
      summary:
        'S3 / MinIO event notification (Records[].s3.bucket.name, object.key): a run per created object whose bucket a pipeline is bound to',
      tag,
      access: 'write',
      scope: { app: 'pipeline' },
      status: 202,
      body: json,
      bodyKind: 'json',
      response: runs,
      errors: ['INVALID_PARAMETER'],
      handler: async ({ body }) => ({ runs: (await (await pipeline()).service.s3Event(body)).map(runJson) }),
    }),
    route({
      method: 'POST',
      url: '/pipelines/:name/s3-events',
      operationId: 's3EventNotificationForPipeline',
      summary: 'S3 / MinIO event notification for one pipeline',
      tag,
      access: 'write',
      scope: pipelineScope,
      status: 202,
      params: z.object({ name }),
      body: json,
      bodyKind: 'json',
      response: runs,
      errors: ['INVALID_PARAMETER', 'NOT_FOUND'],
      handler: async ({ params, body }) => ({
        runs: (await (await pipeline()).service.s3Event(body, params.name)).map(runJson),
      }),
    }),
    route({
      method: 'GET',
      url: '/runs',
      operationId: 'listRuns',
      summary: 'Pipeline runs, newest first',
      tag,
      access: 'read',
      scope: { app: 'pipeline', listing: true },
      query: z.object({
        pipeline: name.optional(),
        state: z.enum(['running', 'succeeded', 'failed']).optional(),
        before: z.string().max(64).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
      }),
      response: runs,
      handler: async ({ query, request }) => {
        const p = await pipeline();
        // A collection-scoped key sees the runs of its collections' pipelines, filtered in the query (full pages).
        const pipelines = request.principal?.scope.collections
          ? (await p.service.list()).filter((d) => seesCollection(request.principal, d.collectionId)).map((d) => d.name)
          : undefined;
        return { runs: (await p.service.runs({ ...query, ...(pipelines ? { pipelines } : {}) })).map(runJson) };
      },
    }),
    route({
      method: 'GET',
      url: '/runs/:runId',
      operationId: 'getRun',
      summary: 'One run: its steps (state, attempts, timings, errors), persisted record and events',
      tag,
      access: 'read',
      scope: runScope,
      params: z.object({ runId: z.string().max(64) }),
      errors: ['NOT_FOUND'],
      response: runView.extend({ record: json.nullable(), events: z.array(eventView) }),
      handler: async ({ params }) => {
        const p = await pipeline();
        const run = await p.service.run(params.runId);
        const record = (await p.service.record(run.id)) ?? null;
        const events = await p.outbox.list({ runId: run.id });
        return {
          ...runJson(run),
          record: record && { ...record, createdAt: record.createdAt.toISOString() },
          events: events.reverse(),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/runs/:runId/retry',
      operationId: 'retryRun',
      summary: 'Start a new run on the same photo as a finished run (the old run is kept)',
      tag,
      access: 'write',
      scope: runScope,
      status: 202,
      params: z.object({ runId: z.string().max(64) }),
      response: runView,
      errors: ['NOT_FOUND', 'CONFLICT'],
      handler: async ({ params }) => runJson(await (await pipeline()).service.retry(params.runId)),
    }),
    ...notifyRoutes(pipeline),
  ];
}
