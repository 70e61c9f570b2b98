// /v1/liveness/sessions: Face Liveness for REST apps (the proctor, the door), the same sessions as Rekognition's
// CreateFaceLivenessSession / GetFaceLivenessSessionResults. The answer carries the page's path, to send the user to.
// A session may name the person it is for (`personId`, or linked later): it is then exported and erased with them.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { LivenessService } from '../../../liveness/liveness.service.ts';
import { SessionId } from '../../rekognition/liveness.schemas.ts';
import { checkScope } from '../rest.auth.ts';
import { route, type AnyRouteSpec, type RouteScope } from '../rest.route.ts';

const PersonId = z.string().regex(/^[0-9a-f-]{36}$/, 'must be a lowercase UUID');

const imageView = z.object({
  bytes: z.string().optional().describe('base64 JPEG, when the session has no output bucket'),
  object: z.object({ bucket: z.string(), name: z.string() }).optional(),
  box: z.object({ left: z.number(), top: z.number(), width: z.number(), height: z.number() }),
});

/**
 * Liveness belongs to the apps that send their users to the liveness page (the proctor before an exam, the door
 * before it opens); a session holds no collection's data, so a collection-scoped key is not limited here.
 */
const livenessScope = { app: ['proctor', 'door'], noCollection: true } satisfies RouteScope;

export interface LivenessRouteDeps {
  liveness: () => Promise<LivenessService>;
  /** NOT_FOUND unless the person exists (the people app's `get`). */
  person: (personId: string) => Promise<unknown>;
  /** The people app's collection: a collection-scoped key links only to people of a collection it holds. */
  peopleCollection: string;
}

export function livenessRestRoutes(deps: LivenessRouteDeps): AnyRouteSpec[] {
  const { liveness } = deps;
  /** The caller may reach the person (SCOPE_DENIED: the key is limited to other apps or collections) who exists. */
  const subject = async (request: FastifyRequest, personId: string): Promise<string> => {
    const scope = request.principal?.scope;
    if (scope) {
      const lookups = { appCollections: { verify: deps.peopleCollection } };
      await checkScope(scope, { app: 'verify' }, { params: {}, query: {} }, lookups);
    }
    await deps.person(personId);
    return personId;
  };
  const tag = 'Liveness';
  return [
    route({
      method: 'POST',
      url: '/liveness/sessions',
      operationId: 'createLivenessSession',
      summary: 'A single-use liveness session (3 minutes) and the page that records it',
      tag,
      access: 'write',
      scope: livenessScope,
      status: 201,
      body: z.object({
        auditImagesLimit: z.number().int().min(0).max(4).optional(),
        bucket: z
          .string()
          .min(3)
          .max(255)
          .regex(/^[0-9A-Za-z.\-_]*$/)
          .optional(),
        keyPrefix: z.string().max(950).optional(),
        returnPath: z
          .string()
          .max(500)
          .regex(/^\/(?!\/)/, 'a same-origin path')
          .optional(),
        personId: PersonId.optional().describe(
          'The person the session is for (GET /v1/people): exported and erased with them',
        ),
      }),
      response: z.object({ sessionId: z.string(), pageUrl: z.string() }),
      errors: ['NOT_FOUND', 'SCOPE_DENIED'],
      handler: async ({ body, request }) => {
        const p = request.principal;
        const subjectId = body.personId && (await subject(request, body.personId));
        const sessionId = await (
          await liveness()
        ).create({
          creator: p ? `${p.kind}:${p.id}` : 'anonymous',
          ...(subjectId && { subjectId }),
          ...(body.auditImagesLimit !== undefined && { auditImagesLimit: body.auditImagesLimit }),
          ...(body.bucket && { output: { bucket: body.bucket, ...(body.keyPrefix && { keyPrefix: body.keyPrefix }) } }),
        });
        const q = new URLSearchParams({ session: sessionId, ...(body.returnPath && { return: body.returnPath }) });
        return { sessionId, pageUrl: `/liveness?${q.toString()}` };
      },
    }),
    route({
      method: 'PUT',
      url: '/liveness/sessions/:sessionId/subject',
      operationId: 'linkLivenessSession',
      summary:
        'Link a session to the person it was for (e.g. its reference image was used for them, or it was created through the Rekognition protocol)',
      tag,
      access: 'write',
      scope: livenessScope,
      params: z.object({ sessionId: SessionId }),
      body: z.object({ personId: PersonId }),
      response: z.object({ sessionId: z.string(), personId: z.string() }),
      errors: ['LIVENESS_SESSION_NOT_FOUND', 'NOT_FOUND', 'SCOPE_DENIED', 'CONFLICT'],
      handler: async ({ params, body, request }) => {
        const personId = await subject(request, body.personId);
        await (await liveness()).subjects.link(params.sessionId, personId);
        return { sessionId: params.sessionId, personId };
      },
    }),
    route({
      method: 'GET',
      url: '/liveness/sessions/:sessionId',
      operationId: 'getLivenessSession',
      summary: 'Status (CREATED, IN_PROGRESS, SUCCEEDED, FAILED, EXPIRED), confidence 0–100 and images',
      tag,
      access: 'read',
      scope: livenessScope,
      params: z.object({ sessionId: SessionId }),
      response: z.object({
        sessionId: z.string(),
        status: z.string(),
        confidence: z.number().nullable(),
        referenceImage: imageView.nullable(),
        auditImages: z.array(imageView),
      }),
      errors: ['LIVENESS_SESSION_NOT_FOUND'],
      handler: async ({ params }) => {
        const r = await (await liveness()).results(params.sessionId);
        const view = (i: NonNullable<typeof r.referenceImage>) => ({
          ...(i.bytes && { bytes: Buffer.from(i.bytes).toString('base64') }),
          ...(i.object && { object: i.object }),
          box: i.box,
        });
        return {
          sessionId: r.sessionId,
          status: r.status,
          confidence: r.confidence ?? null,
          referenceImage: r.referenceImage ? view(r.referenceImage) : null,
          auditImages: (r.auditImages ?? []).map(view),
        };
      },
    }),
  ];
}
