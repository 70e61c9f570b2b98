// Subject access, erasure and consent: export everything held about a person, withdraw consent (which erases
// them), read a person's consent, and record consent for a subject of any collection (for collections used
// through the Rekognition protocol, the subject is the ExternalImageId).
import { z } from 'zod';
import { FacegateError } from '../../../errors.ts';
import type { ConsentService } from '../../../governance/consent.service.ts';
import { consentInputSchema, type ConsentRecord } from '../../../governance/consent.types.ts';
import type { PrivacyService } from '../../../governance/privacy.service.ts';
import { route, type AnyRouteSpec, type RouteScope } from '../rest.route.ts';

const personParams = z.object({ personId: z.string().regex(/^[0-9a-f-]{36}$/, 'must be a lowercase UUID') });
const subjectParams = z.object({
  collectionId: z.string().regex(/^[a-zA-Z0-9_.-]{1,255}$/),
  subjectId: z.string().regex(/^[a-zA-Z0-9_.\-:]{1,255}$/),
});
const consentView = z.object({
  collectionId: z.string(),
  subjectId: z.string(),
  purpose: z.string(),
  method: z.string(),
  givenBy: z.string(),
  givenAt: z.string(),
  textVersion: z.string(),
  recordedBy: z.string().nullable(),
  recordedAt: z.string(),
});
export const consentJson = (c: ConsentRecord): z.infer<typeof consentView> => ({
  ...c,
  givenAt: c.givenAt.toISOString(),
  recordedAt: c.recordedAt.toISOString(),
});
const erasureView = z.object({ personId: z.string(), removed: z.record(z.string(), z.number()) });

/**
 * A subject's consent belongs to their collection and to the apps that keep that collection (verify's people,
 * uploads, a door's visitors, a pipeline's collection): an app-scoped key reaches the consent of its apps' subjects.
 */
const subjectScope = {
  collection: ({ params }) => String(params.collectionId),
  ownerApps: true,
} satisfies RouteScope;

export function privacyRoutes(deps: {
  privacy: () => Promise<PrivacyService>;
  consent: () => Promise<ConsentService>;
}): AnyRouteSpec[] {
  const tag = 'Governance';
  return [
    route({
      method: 'GET',
      url: '/people/:personId/export',
      operationId: 'exportPerson',
      summary:
        'Subject access: everything held about a person (record, consent, photos and thumbnails as base64, faces, pipeline runs, events, notifications, audit entries) as one JSON document',
      tag,
      access: 'admin',
      scope: { app: 'verify' },
      params: personParams,
      errors: ['NOT_FOUND'],
      handler: async ({ params, reply }) => {
        const doc = await (await deps.privacy()).exportPerson(params.personId);
        return reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="person-${params.personId}.json"`)
          .header('cache-control', 'no-store')
          .send(JSON.stringify(doc));
      },
    }),
    route({
      method: 'GET',
      url: '/people/:personId/consent',
      operationId: 'getPersonConsent',
      summary: 'The consent records of a person',
      tag,
      access: 'read',
      scope: { app: 'verify' },
      params: personParams,
      response: z.object({ consents: z.array(consentView) }),
      handler: async ({ params }) => ({
        consents: (await (await deps.consent()).forSubject(params.personId)).map(consentJson),
      }),
    }),
    route({
      method: 'POST',
      url: '/people/:personId/consent/withdraw',
      operationId: 'withdrawConsent',
      summary: 'Withdraw consent: erases the person everywhere (same as DELETE /v1/people/{personId})',
      tag,
      access: 'write',
      scope: { app: 'verify' },
      params: personParams,
      response: erasureView,
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => (await deps.privacy()).erasePerson(params.personId),
    }),
    route({
      method: 'PUT',
      url: '/consents/:collectionId/:subjectId',
      operationId: 'putConsent',
      summary: 'Record consent for a subject of a collection (the ExternalImageId its faces are indexed with)',
      tag,
      access: 'write',
      scope: subjectScope,
      params: subjectParams,
      body: consentInputSchema,
      response: consentView,
      handler: async ({ params, body, request }) =>
        consentJson(
          await (await deps.consent()).give(params.collectionId, params.subjectId, body, request.principal?.id ?? null),
        ),
    }),
    route({
      method: 'GET',
      url: '/consents/:collectionId/:subjectId',
      operationId: 'getConsent',
      summary: 'The consent record of a subject of a collection',
      tag,
      access: 'read',
      scope: subjectScope,
      params: subjectParams,
      response: consentView,
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => {
        const c = await (await deps.consent()).get(params.collectionId, params.subjectId);
        if (!c) throw new FacegateError('NOT_FOUND', 'No consent recorded');
        return consentJson(c);
      },
    }),
  ];
}
