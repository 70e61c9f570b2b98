// /v1/liveness/sessions: Face Liveness for REST apps (the proctor, the door), the same sessions as Rekognition's
// CreateFaceLivenessSession / GetFaceLivenessSessionResults. The answer carries the page's path, to send the user to.
import { z } from 'zod';
import type { LivenessService } from '../../../liveness/liveness.service.ts';
import { SessionId } from '../../rekognition/liveness.schemas.ts';
import { route, type AnyRouteSpec, type RouteScope } from '../rest.route.ts';

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

export function livenessRestRoutes(liveness: () => Promise<LivenessService>): AnyRouteSpec[] {
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
      }),
      response: z.object({ sessionId: z.string(), pageUrl: z.string() }),
      handler: async ({ body, request }) => {
        const p = request.principal;
        const sessionId = await (
          await liveness()
        ).create({
          creator: p ? `${p.kind}:${p.id}` : 'anonymous',
          ...(body.auditImagesLimit !== undefined && { auditImagesLimit: body.auditImagesLimit }),
          ...(body.bucket && { output: { bucket: body.bucket, ...(body.keyPrefix && { keyPrefix: body.keyPrefix }) } }),
        });
        const q = new URLSearchParams({ session: sessionId, ...(body.returnPath && { return: body.returnPath }) });
        return { sessionId, pageUrl: `/liveness?${q.toString()}` };
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
