// /v1/doors (admin and console): doors, visitors, recent visits, pending approvals, the attempts audit.
// /v1/door/:doorId and /v1/approvals/:token (public): the virtual door page's passcode entry and the approval page
// reached from the owner's signed link. A link is the only credential of an approval; a passcode of an entry.
import { z } from 'zod';
import type { OpenedDoor } from '../../../apps/door/door.factory.ts';
import type { PrivacyService } from '../../../governance/privacy.service.ts';
import type { Door, DoorVisit, PendingVisit, Visitor } from '../../../apps/door/door.types.ts';
import { FacegateError } from '../../../errors.ts';
import { seesCollection } from '../rest.auth.ts';
import { route, type AnyRouteSpec, type RouteScope } from '../rest.route.ts';
import { collectionOf, sendImage } from './route.helpers.ts';

const tag = 'Door (visitors, passcodes, approvals)';
const id = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/);
const doorParams = z.object({ doorId: id });
const pendingParams = z.object({ doorId: id, pendingId: z.string().max(64) });
const limit = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const token = z.object({ token: z.string().min(1).max(512) });
const json = z.record(z.string(), z.unknown());

const doorView = z.object({
  id: z.string(),
  name: z.string(),
  collectionId: z.string(),
  threshold: z.number(),
  owner: z.object({
    sms: z.string().optional(),
    email: z.string().optional(),
    webhook: z.string().optional(),
    mqtt: z.string().optional(),
  }),
  unlock: z.object({ webhook: z.string().optional(), mqttTopic: z.string().optional(), mqttPayload: z.string() }),
  secondFactorSeconds: z.number(),
  createdAt: z.string(),
});
/** The owner's webhook secret never leaves the server (the response schema strips it too). */
const doorJson = (d: Door) => ({ ...d, createdAt: d.createdAt.toISOString() });

const visitorView = z.object({
  id: z.string(),
  name: z.string(),
  phone: z.string(),
  faceIds: z.array(z.string()),
  photoCount: z.number(),
  createdAt: z.string(),
});
const visitorJson = (v: Visitor) => ({ ...v, photoCount: v.photos.length, createdAt: v.createdAt.toISOString() });

const visitView = z.object({
  id: z.string(),
  kind: z.string(),
  visitorId: z.string().nullable(),
  similarity: z.number().nullable(),
  snapshotUrl: z.string().nullable(),
  at: z.string(),
});
const visitJson = (v: DoorVisit) => ({
  ...v,
  snapshotUrl: v.snapshot ? `/v1/doors/${v.doorId}/visits/${v.id}/snapshot` : null,
  at: v.at.toISOString(),
});

const pendingView = z.object({
  id: z.string(),
  doorId: z.string(),
  state: z.string(),
  photoUrls: z.array(z.string()),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  visitorId: z.string().nullable(),
});
const pendingJson = (p: PendingVisit, base: string) => ({
  ...p,
  photoUrls: p.photos.map((_, i) => `${base}/photos/${i}`),
  createdAt: p.createdAt.toISOString(),
  decidedAt: p.decidedAt?.toISOString() ?? null,
});

const attemptView = z.object({
  at: z.string(),
  outcome: z.string(),
  address: z.string(),
  visitorId: z.string().nullable(),
});
const decisionView = z.object({
  state: z.string(),
  visitorId: z.string().optional(),
  passcodeSent: z.boolean().optional(),
});

const decisionBody = z.object({
  decision: z.enum(['approve', 'deny']),
  name: z.string().max(128).optional(),
  phone: z.string().max(32).optional(),
});

export function doorRoutes(
  door: () => Promise<OpenedDoor>,
  /** Export and erasure of a visitor (governance.factory.ts visitorPrivacyService). */
  visitors: () => Promise<PrivacyService>,
): AnyRouteSpec[] {
  const svc = async () => (await door()).service;
  const ownDoor = async (doorId: string, pendingId: string) => {
    const found = await (await svc()).approvals.load(pendingId);
    if (found.door.id !== doorId) throw new FacegateError('NOT_FOUND', `Request ${pendingId} does not exist`);
    return found;
  };
  // Routes on one door reach its collection: collection-scoped keys may use the doors of their collections.
  const doorScope = {
    app: 'door',
    collection: ({ params }) =>
      collectionOf(async () => (await (await svc()).getDoor(String(params.doorId))).collectionId),
  } satisfies RouteScope;
  return [
    route({
      method: 'GET',
      url: '/doors',
      operationId: 'listDoors',
      summary: 'Doors',
      tag,
      access: 'read',
      scope: { app: 'door', listing: true },
      response: z.object({ doors: z.array(doorView) }),
      handler: async ({ request }) => ({
        doors: (await (await svc()).listDoors())
          .filter((d) => seesCollection(request.principal, d.collectionId))
          .map(doorJson),
      }),
    }),
    route({
      method: 'POST',
      url: '/doors',
      operationId: 'defineDoor',
      tag,
      access: 'admin',
      scope: { app: 'door' },
      status: 201,
      body: json,
      bodyKind: 'json',
      summary: 'Define (or replace) a door: name, collection, threshold, owner channels, unlock action, second factor',
      errors: ['INVALID_PARAMETER'],
      response: doorView,
      handler: async ({ body }) => doorJson(await (await svc()).defineDoor(body)),
    }),
    route({
      method: 'GET',
      url: '/doors/:doorId',
      operationId: 'getDoor',
      summary: 'A door',
      tag,
      access: 'read',
      scope: doorScope,
      params: doorParams,
      response: doorView,
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => doorJson(await (await svc()).getDoor(params.doorId)),
    }),
    route({
      method: 'PUT',
      url: '/doors/:doorId',
      operationId: 'updateDoor',
      summary: "Replace a door's definition",
      tag,
      access: 'admin',
      scope: { app: 'door' },
      params: doorParams,
      body: json,
      bodyKind: 'json',
      response: doorView,
      errors: ['INVALID_PARAMETER'],
      handler: async ({ params, body }) => doorJson(await (await svc()).defineDoor({ ...body, id: params.doorId })),
    }),
    route({
      method: 'DELETE',
      url: '/doors/:doorId',
      operationId: 'deleteDoor',
      summary: 'Delete a door (its audit stays)',
      tag,
      access: 'admin',
      scope: doorScope,
      params: doorParams,
      response: z.object({ deleted: z.boolean() }),
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => (await (await svc()).deleteDoor(params.doorId), { deleted: true }),
    }),
    route({
      method: 'GET',
      url: '/doors/:doorId/visitors',
      operationId: 'listDoorVisitors',
      summary: 'Visitors of a door',
      tag,
      access: 'read',
      scope: doorScope,
      params: doorParams,
      response: z.object({ visitors: z.array(visitorView) }),
      handler: async ({ params }) => ({
        visitors: (await (await svc()).store.listVisitors(params.doorId)).map(visitorJson),
      }),
    }),
    route({
      method: 'DELETE',
      url: '/doors/:doorId/visitors/:visitorId',
      operationId: 'deleteDoorVisitor',
      tag,
      access: 'admin',
      scope: doorScope,
      summary:
        'Erase a visitor: their record, passcodes, photos, faces, visits and snapshots, events and SMS naming them',
      params: z.object({ doorId: id, visitorId: z.string().max(64) }),
      response: z.object({ deleted: z.boolean(), removed: z.record(z.string(), z.number()) }),
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => {
        const p = await visitors();
        await (await door()).privacy.visitorSubject(params.visitorId, params.doorId);
        return { deleted: true, removed: (await p.erasePerson(params.visitorId)).removed };
      },
    }),
    route({
      method: 'GET',
      url: '/doors/:doorId/visitors/:visitorId/export',
      operationId: 'exportDoorVisitor',
      tag,
      access: 'admin',
      scope: doorScope,
      summary: 'Everything held about a visitor (subject access): record, photos, visits, snapshots, events, audit',
      params: z.object({ doorId: id, visitorId: z.string().max(64) }),
      errors: ['NOT_FOUND'],
      handler: async ({ params, reply }) => {
        await (await door()).privacy.visitorSubject(params.visitorId, params.doorId);
        const doc = await (await visitors()).exportPerson(params.visitorId);
        return reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="visitor-${params.visitorId}.json"`)
          .header('cache-control', 'no-store')
          .send(JSON.stringify(doc));
      },
    }),
    route({
      method: 'GET',
      url: '/doors/:doorId/visits',
      operationId: 'listDoorVisits',
      summary: 'Recent visits, newest first',
      tag,
      access: 'read',
      scope: doorScope,
      params: doorParams,
      query: limit,
      response: z.object({ visits: z.array(visitView) }),
      handler: async ({ params, query }) => ({
        visits: (await (await svc()).store.listVisits(params.doorId, query.limit)).map(visitJson),
      }),
    }),
    route({
      method: 'GET',
      url: '/doors/:doorId/visits/:visitId/snapshot',
      operationId: 'getDoorVisitSnapshot',
      tag,
      access: 'read',
      scope: doorScope,
      summary: 'The best frame of a visit (JPEG)',
      params: z.object({ doorId: id, visitId: z.string().max(64) }),
      errors: ['NOT_FOUND'],
      handler: async ({ params, reply }) => {
        const s = (await svc()).store;
        const v = (await s.listVisits(params.doorId, 1000)).find((x) => x.id === params.visitId);
        const obj = v?.snapshot && (await (await door()).objects.get(v.snapshot.bucket, v.snapshot.key));
        if (!obj) throw new FacegateError('NOT_FOUND', `Visit ${params.visitId} has no snapshot`);
        return sendImage(reply, obj.body);
      },
    }),
    route({
      method: 'GET',
      url: '/doors/:doorId/pending',
      operationId: 'listDoorPending',
      summary: 'Strangers waiting for a decision',
      tag,
      access: 'read',
      scope: doorScope,
      params: doorParams,
      query: z.object({ state: z.enum(['pending', 'approved', 'denied']).optional(), limit: limit.shape.limit }),
      response: z.object({ pending: z.array(pendingView) }),
      handler: async ({ params, query }) => ({
        pending: (await (await svc()).store.listPending(params.doorId, query.state, query.limit)).map((p) =>
          pendingJson(p, `/v1/doors/${p.doorId}/pending/${p.id}`),
        ),
      }),
    }),
    route({
      method: 'GET',
      url: '/doors/:doorId/pending/:pendingId/photos/:n',
      operationId: 'getDoorPendingPhoto',
      tag,
      access: 'read',
      scope: doorScope,
      summary: 'A best frame of a waiting stranger (JPEG)',
      params: pendingParams.extend({ n: z.coerce.number().int().min(0).max(9) }),
      errors: ['NOT_FOUND'],
      handler: async ({ params, reply }) => {
        await ownDoor(params.doorId, params.pendingId);
        return sendImage(reply, await (await svc()).approvals.photo(params.pendingId, params.n));
      },
    }),
    route({
      method: 'POST',
      url: '/doors/:doorId/pending/:pendingId/approve',
      operationId: 'approveDoorVisitor',
      tag,
      access: 'write',
      scope: doorScope,
      summary: 'Approve a stranger: register their face, create the visitor, text them a passcode',
      params: pendingParams,
      body: z.object({ name: z.string(), phone: z.string() }),
      bodyKind: 'json',
      response: decisionView,
      errors: ['NOT_FOUND', 'CONFLICT', 'NO_FACE'],
      handler: async ({ params, body }) => {
        await ownDoor(params.doorId, params.pendingId);
        const r = await (await svc()).approvals.approve(params.pendingId, body);
        return { state: 'approved', visitorId: r.visitor.id, passcodeSent: r.passcodeSent };
      },
    }),
    route({
      method: 'POST',
      url: '/doors/:doorId/pending/:pendingId/deny',
      operationId: 'denyDoorVisitor',
      tag,
      access: 'write',
      scope: doorScope,
      summary: 'Deny a stranger: they do not page the owner again within the cool-down',
      params: pendingParams,
      response: decisionView,
      errors: ['NOT_FOUND', 'CONFLICT'],
      handler: async ({ params }) => {
        await ownDoor(params.doorId, params.pendingId);
        await (await svc()).approvals.deny(params.pendingId);
        return { state: 'denied' };
      },
    }),
    route({
      method: 'GET',
      url: '/doors/:doorId/attempts',
      operationId: 'listDoorAttempts',
      summary: 'The passcode attempts audit, newest first',
      tag,
      access: 'admin',
      scope: doorScope,
      params: doorParams,
      query: limit,
      response: z.object({ attempts: z.array(attemptView) }),
      handler: async ({ params, query }) => ({
        attempts: (await (await svc()).store.listAttempts(params.doorId, query.limit)).map((a) => ({
          ...a,
          at: a.at.toISOString(),
        })),
      }),
    }),
    ...publicDoorRoutes(svc),
  ];
}

function publicDoorRoutes(svc: () => Promise<OpenedDoor['service']>): AnyRouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/door/:doorId',
      operationId: 'getPublicDoor',
      summary: 'What the door page shows (public)',
      tag,
      access: 'public',
      scope: { app: 'door' },
      params: doorParams,
      errors: ['NOT_FOUND'],
      response: z.object({ id: z.string(), name: z.string(), secondFactor: z.boolean() }),
      handler: async ({ params }) => {
        const d = await (await svc()).getDoor(params.doorId);
        return { id: d.id, name: d.name, secondFactor: d.secondFactorSeconds > 0 };
      },
    }),
    route({
      method: 'POST',
      url: '/door/:doorId/open',
      operationId: 'openDoor',
      tag,
      access: 'public',
      scope: { app: 'door' },
      summary: 'Enter a passcode (public): "Welcome, <name>", or 403 Permission denied, or 429 while locked out',
      params: doorParams,
      body: z.object({ passcode: z.string().max(32) }),
      bodyKind: 'json',
      response: z.object({ granted: z.literal(true), name: z.string(), message: z.string() }),
      errors: ['NOT_FOUND', 'ACCESS_DENIED', 'THROTTLED'],
      handler: async ({ params, body, request }) => {
        const r = await (await svc()).entry.open(params.doorId, body.passcode.trim(), request.ip);
        if (r.granted) return r;
        if (r.outcome === 'locked') {
          throw new FacegateError(
            'THROTTLED',
            `${r.message}: too many wrong passcodes, try again in ${r.retryAfterSeconds} s`,
            {
              details: { retryAfter: r.retryAfterSeconds ?? 1 },
            },
          );
        }
        throw new FacegateError('ACCESS_DENIED', r.message);
      },
    }),
    route({
      method: 'GET',
      url: '/approvals/:token',
      operationId: 'getApproval',
      tag,
      access: 'public',
      scope: { app: 'door' },
      summary: 'The request an approval link points at (public, the signed link is the credential)',
      params: token,
      errors: ['ACCESS_DENIED', 'NOT_FOUND'],
      response: z.object({
        doorId: z.string(),
        doorName: z.string(),
        state: z.string(),
        createdAt: z.string(),
        photoUrls: z.array(z.string()),
      }),
      handler: async ({ params }) => {
        const { door, pending } = await (await svc()).approvals.byToken(params.token);
        const base = `/v1/approvals/${encodeURIComponent(params.token)}`;
        return {
          doorId: door.id,
          doorName: door.name,
          state: pending.state,
          createdAt: pending.createdAt.toISOString(),
          photoUrls: pending.photos.map((_, i) => `${base}/photos/${i}`),
        };
      },
    }),
    route({
      method: 'GET',
      url: '/approvals/:token/photos/:n',
      operationId: 'getApprovalPhoto',
      tag,
      access: 'public',
      scope: { app: 'door' },
      summary: 'A best frame of the request (JPEG)',
      params: token.extend({ n: z.coerce.number().int().min(0).max(9) }),
      errors: ['ACCESS_DENIED', 'NOT_FOUND'],
      handler: async ({ params, reply }) => {
        const s = await svc();
        const { pending } = await s.approvals.byToken(params.token);
        return sendImage(reply, await s.approvals.photo(pending.id, params.n));
      },
    }),
    route({
      method: 'POST',
      url: '/approvals/:token',
      operationId: 'decideApproval',
      tag,
      access: 'public',
      scope: { app: 'door' },
      summary: 'Approve (name, phone) or deny the request of a signed link (public)',
      params: token,
      body: decisionBody,
      bodyKind: 'json',
      response: decisionView,
      errors: ['ACCESS_DENIED', 'NOT_FOUND', 'CONFLICT', 'NO_FACE', 'INVALID_PARAMETER'],
      handler: async ({ params, body }) => {
        const s = await svc();
        const { pending } = await s.approvals.byToken(params.token);
        if (body.decision === 'deny') {
          await s.approvals.deny(pending.id);
          return { state: 'denied' };
        }
        const r = await s.approvals.approve(pending.id, { name: body.name, phone: body.phone });
        return { state: 'approved', visitorId: r.visitor.id, passcodeSent: r.passcodeSent };
      },
    }),
  ];
}
