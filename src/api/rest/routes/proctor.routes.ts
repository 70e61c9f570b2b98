// /v1/proctor: the virtual proctor tutorial's two calls (index a candidate, process a frame) plus candidate listing.
import { z } from 'zod';
import type { ProctorService } from '../../../apps/proctor/proctor.service.ts';
import { base64BodyLimit, base64Image } from '../image.input.ts';
import { route, type AnyRouteSpec } from '../rest.route.ts';

const candidateView = z.object({
  ExternalImageId: z.string(),
  fullName: z.string(),
  faceId: z.string(),
  createdAt: z.string(),
});

export function proctorRoutes(proctor: () => Promise<ProctorService>, maxImageBytes: number): AnyRouteSpec[] {
  const tag = 'Virtual proctor';
  const errors = ['NO_FACE', 'INVALID_IMAGE_FORMAT', 'PAYLOAD_TOO_LARGE'];
  const toView = (c: { externalImageId: string; fullName: string; faceId: string; createdAt: Date }) => ({
    ExternalImageId: c.externalImageId,
    fullName: c.fullName,
    faceId: c.faceId,
    createdAt: c.createdAt.toISOString(),
  });
  return [
    route({
      method: 'POST',
      url: '/proctor/faces',
      operationId: 'indexCandidate',
      analyses: true,
      summary: 'Index a candidate’s face under a generated ExternalImageId with their name',
      tag,
      access: 'write',
      scope: { app: 'proctor' },
      status: 201,
      bodyLimit: base64BodyLimit(maxImageBytes),
      body: z.object({ image: base64Image(maxImageBytes), fullName: z.string().trim().min(1).max(200) }),
      response: candidateView,
      errors,
      handler: async ({ body }) => toView(await (await proctor()).indexCandidate(body.image, body.fullName)),
    }),
    route({
      method: 'GET',
      url: '/proctor/faces',
      operationId: 'listCandidates',
      summary: 'Indexed candidates, newest first',
      tag,
      access: 'read',
      scope: { app: 'proctor' },
      response: z.object({ candidates: z.array(candidateView) }),
      handler: async () => ({ candidates: (await (await proctor()).listCandidates()).map(toView) }),
    }),
    route({
      method: 'DELETE',
      url: '/proctor/faces/:externalImageId',
      operationId: 'deleteCandidate',
      summary: 'Remove a candidate and their face',
      tag,
      access: 'write',
      scope: { app: 'proctor' },
      params: z.object({ externalImageId: z.string().min(1).max(255) }),
      response: z.object({ deleted: z.string() }),
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => {
        await (await proctor()).deleteCandidate(params.externalImageId);
        return { deleted: params.externalImageId };
      },
    }),
    route({
      method: 'POST',
      url: '/proctor/process',
      operationId: 'processFrame',
      analyses: true,
      summary: 'The five proctoring checks on one frame',
      tag,
      access: 'read',
      scope: { app: 'proctor' },
      bodyLimit: base64BodyLimit(maxImageBytes),
      body: z.object({ image: base64Image(maxImageBytes) }),
      response: z.array(z.object({ TestName: z.string(), Success: z.boolean(), Details: z.string() })),
      errors: ['INVALID_IMAGE_FORMAT', 'PAYLOAD_TOO_LARGE'],
      handler: async ({ body }) => (await proctor()).process(body.image),
    }),
    route({
      method: 'GET',
      url: '/proctor/settings',
      operationId: 'proctorSettings',
      summary: 'The thresholds and labels the checks use',
      tag,
      access: 'read',
      scope: { app: 'proctor' },
      response: z.object({
        collectionId: z.string(),
        minConfidence: z.number(),
        faceMatchThreshold: z.number(),
        objectsOfInterest: z.array(z.string()),
        moderationThreshold: z.number(),
      }),
      handler: async () => (await proctor()).settings,
    }),
  ];
}
