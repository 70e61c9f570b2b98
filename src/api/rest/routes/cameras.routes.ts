// /v1/cameras and /v1/visits: cameras (create, list, update, delete, status), their live view (latest frame with
// boxes and names, as a JPEG or an MJPEG stream), frames pushed by a browser, and the recent visits with snapshots.
// Camera URLs are redacted in every answer (credentials never leave the server).
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { FacegateError } from '../../../errors.ts';
import type { CameraManager, CameraView } from '../../../streams/camera.manager.ts';
import { cameraInputSchema, type VisitRecord } from '../../../streams/camera.types.ts';
import { redactUrl } from '../../../streams/sources/redact.ts';
import { seesCollection, type Principal } from '../rest.auth.ts';
import { route, type AnyRouteSpec, type RouteScope } from '../rest.route.ts';
import { json } from './pipeline.views.ts';
import { collectionOf } from './route.helpers.ts';

const id = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/);
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const cameraView = z.object({
  id: z.string(),
  origin: z.enum(['config', 'api']),
  spec: json,
  status: json,
});
const visitView = z.object({
  id: z.string(),
  cameraId: z.string(),
  doorId: z.string().nullable(),
  collectionId: z.string(),
  kind: z.enum(['known', 'unknown']),
  faceId: z.string().nullable(),
  userId: z.string().nullable(),
  externalImageId: z.string().nullable(),
  similarity: z.number().nullable(),
  firstSeenAt: z.string(),
  decidedAt: z.string(),
  leftAt: z.string().nullable(),
  framesSeen: z.number(),
  snapshotUrl: z.string(),
  box: json,
});

export function cameraJson(c: CameraView) {
  const source = { ...c.spec.source } as Record<string, unknown>;
  if (typeof source.url === 'string') source.url = redactUrl(source.url);
  return {
    id: c.spec.id,
    origin: c.origin,
    spec: { ...c.spec, source },
    status: { ...c.status, lastFrameAt: iso(c.status.lastFrameAt) },
  };
}

const visitJson = (v: VisitRecord) => ({
  ...v,
  firstSeenAt: v.firstSeenAt.toISOString(),
  decidedAt: v.decidedAt.toISOString(),
  leftAt: iso(v.leftAt),
  snapshotUrl: `/v1/visits/${v.id}/snapshot`,
  box: { ...v.snapshot.box },
});

/**
 * Recent visits as the caller may see them: a collection-scoped key gets the newest `limit` visits of its
 * collections, read camera by camera (so that other collections' visits do not crowd them out of the page).
 */
async function scopedVisits(
  manager: CameraManager,
  query: { cameraId?: string; limit: number },
  principal: Principal | undefined,
): Promise<VisitRecord[]> {
  if (!principal?.scope.collections) return manager.recentVisits(query);
  const ids = query.cameraId ? [query.cameraId] : manager.list().map((c) => c.spec.id);
  const pages = await Promise.all(ids.map((cameraId) => manager.recentVisits({ cameraId, limit: query.limit })));
  return pages
    .flat()
    .filter((v) => seesCollection(principal, v.collectionId))
    .sort((a, b) => b.decidedAt.getTime() - a.decidedAt.getTime())
    .slice(0, query.limit);
}

export function camerasRoutes(cameras: () => Promise<CameraManager>, maxImageBytes: number): AnyRouteSpec[] {
  const tag = 'Cameras';
  // Routes on one camera (or visit) reach its collection: collection-scoped keys may use their collections' cameras.
  const cameraScope = {
    app: 'cameras',
    collection: ({ params }) => collectionOf(async () => (await cameras()).get(String(params.id)).spec.collectionId),
  } satisfies RouteScope;
  const visitScope = {
    app: 'cameras',
    collection: ({ params }) =>
      collectionOf(async () => (await (await cameras()).visitRecord(String(params.id)))?.collectionId),
  } satisfies RouteScope;
  const params = z.object({ id });
  return [
    route({
      method: 'POST',
      url: '/cameras',
      operationId: 'createCamera',
      summary:
        'Create a camera (RTSP, HTTP MJPEG, snapshot URL, video file or browser-pushed frames); it starts at once',
      tag,
      access: 'admin',
      scope: { app: 'cameras' },
      status: 201,
      body: json,
      bodyKind: 'json',
      errors: ['INVALID_PARAMETER', 'ALREADY_EXISTS'],
      response: cameraView,
      handler: async ({ body }) =>
        cameraJson(await (await cameras()).create(body as z.input<typeof cameraInputSchema>)),
    }),
    route({
      method: 'GET',
      url: '/cameras',
      operationId: 'listCameras',
      summary: 'Cameras with their status (state, fps achieved, frames dropped, last frame, last error)',
      tag,
      access: 'read',
      scope: { app: 'cameras', listing: true },
      response: z.object({ cameras: z.array(cameraView) }),
      handler: async ({ request }) => ({
        cameras: (await cameras())
          .list()
          .filter((c) => seesCollection(request.principal, c.spec.collectionId))
          .map(cameraJson),
      }),
    }),
    route({
      method: 'GET',
      url: '/cameras/:id',
      operationId: 'getCamera',
      summary: 'One camera and its status',
      tag,
      access: 'read',
      scope: cameraScope,
      params,
      errors: ['NOT_FOUND'],
      response: cameraView,
      handler: async ({ params }) => cameraJson((await cameras()).get(params.id)),
    }),
    route({
      method: 'PUT',
      url: '/cameras/:id',
      operationId: 'updateCamera',
      summary: 'Replace a camera created through the API (it restarts); config-file cameras are read-only',
      tag,
      access: 'admin',
      scope: { app: 'cameras' },
      params,
      body: json,
      bodyKind: 'json',
      errors: ['INVALID_PARAMETER', 'NOT_FOUND', 'CONFLICT'],
      response: cameraView,
      handler: async ({ params, body }) =>
        cameraJson(await (await cameras()).update(params.id, body as Omit<z.input<typeof cameraInputSchema>, 'id'>)),
    }),
    route({
      method: 'DELETE',
      url: '/cameras/:id',
      operationId: 'deleteCamera',
      summary: 'Stop and delete a camera created through the API',
      tag,
      access: 'admin',
      scope: cameraScope,
      params,
      errors: ['NOT_FOUND', 'CONFLICT'],
      response: z.object({ deleted: z.boolean() }),
      handler: async ({ params }) => {
        await (await cameras()).delete(params.id);
        return { deleted: true };
      },
    }),
    route({
      method: 'GET',
      url: '/cameras/:id/status',
      operationId: 'cameraStatus',
      summary: 'A camera status alone',
      tag,
      access: 'read',
      scope: cameraScope,
      params,
      errors: ['NOT_FOUND'],
      response: json,
      handler: async ({ params }) => cameraJson((await cameras()).get(params.id)).status,
    }),
    route({
      method: 'GET',
      url: '/cameras/:id/snapshot',
      operationId: 'cameraSnapshot',
      summary: 'The latest analysed frame with face boxes and names (JPEG); 404 before the first frame',
      tag,
      access: 'read',
      scope: cameraScope,
      params,
      errors: ['NOT_FOUND'],
      handler: async ({ params, reply }) => {
        const jpeg = await (await cameras()).snapshot(params.id);
        if (!jpeg) throw new FacegateError('NOT_FOUND', `Camera ${params.id} has no frame yet`);
        return reply.header('cache-control', 'no-store').type('image/jpeg').send(jpeg);
      },
    }),
    route({
      method: 'GET',
      url: '/cameras/:id/mjpeg',
      operationId: 'cameraMjpeg',
      summary:
        'The live view as an MJPEG stream (multipart/x-mixed-replace) at the camera rate, until the client leaves',
      tag,
      access: 'read',
      scope: cameraScope,
      params,
      errors: ['NOT_FOUND'],
      handler: async ({ params, reply, request }) => {
        const manager = await cameras();
        const fps = manager.get(params.id).spec.fps;
        const out = new PassThrough();
        let sending = false;
        const tick = setInterval(() => {
          // One frame in flight per viewer: a slow client skips frames instead of buffering them.
          if (sending || out.writableLength > 0) return;
          sending = true;
          manager
            .snapshot(params.id)
            .then((jpeg) => {
              if (!jpeg || out.destroyed) return;
              out.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
              out.write(jpeg);
              out.write('\r\n');
            })
            .catch(() => out.end())
            .finally(() => (sending = false));
        }, 1000 / fps);
        const stop = () => {
          clearInterval(tick);
          out.end();
        };
        request.raw.once('close', stop);
        out.once('close', () => clearInterval(tick));
        return reply.header('cache-control', 'no-store').type('multipart/x-mixed-replace; boundary=frame').send(out);
      },
    }),
    route({
      method: 'POST',
      url: '/cameras/:id/frames',
      operationId: 'pushCameraFrame',
      summary: 'Push one JPEG frame to a camera whose source is `push` (a browser acting as the camera)',
      tag,
      access: 'write',
      scope: cameraScope,
      params,
      bodyKind: 'image',
      bodyLimit: maxImageBytes,
      status: 202,
      errors: ['NOT_FOUND', 'CONFLICT', 'INVALID_IMAGE_FORMAT', 'PAYLOAD_TOO_LARGE'],
      response: z.object({ accepted: z.boolean() }),
      handler: async ({ params, request }) => {
        if (!Buffer.isBuffer(request.body))
          throw new FacegateError('UNSUPPORTED_MEDIA_TYPE', 'Send the frame as Content-Type: image/jpeg');
        (await cameras()).push(params.id, request.body);
        return { accepted: true };
      },
    }),
    route({
      method: 'GET',
      url: '/visits',
      operationId: 'listVisits',
      summary: 'Recent visits (one per tracked face decision), newest first',
      tag,
      access: 'read',
      scope: { app: 'cameras', listing: true },
      query: z.object({ cameraId: id.optional(), limit: z.coerce.number().int().min(1).max(1000).default(50) }),
      response: z.object({ visits: z.array(visitView) }),
      handler: async ({ query, request }) => ({
        visits: (await scopedVisits(await cameras(), query, request.principal)).map(visitJson),
      }),
    }),
    route({
      method: 'GET',
      url: '/visits/:id/snapshot',
      operationId: 'visitSnapshot',
      summary: "A visit's best frame with the face box drawn (JPEG)",
      tag,
      access: 'read',
      scope: visitScope,
      params: z.object({ id: z.string().max(64) }),
      errors: ['NOT_FOUND'],
      handler: async ({ params, reply }) => {
        const jpeg = await (await cameras()).visitSnapshot(params.id);
        if (!jpeg) throw new FacegateError('NOT_FOUND', `Visit ${params.id} has no snapshot`);
        return reply.type('image/jpeg').send(Buffer.from(jpeg));
      },
    }),
  ];
}
