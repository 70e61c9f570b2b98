// /v1/people, /v1/identify: register, update, delete people with photos; verify 1:1 and identify 1:N.
import { z } from 'zod';
import type { Person } from '../../../apps/verify/people.port.ts';
import type { VerifyService } from '../../../apps/verify/verify.service.ts';
import { FacegateError } from '../../../errors.ts';
import { consentInputSchema } from '../../../governance/consent.types.ts';
import { base64BodyLimit, base64Image } from '../image.input.ts';
import { route, type AnyRouteSpec, invalid } from '../rest.route.ts';
import { boxSchema, cursor, imagesOf, oneImage, sendImage, thresholdQuery } from './route.helpers.ts';

const MAX_PHOTOS = 10;
/**
 * A base64 JSON body carries at most this many full-size photos' worth (~20 MB): JSON is buffered and parsed whole,
 * so ten 5 MB photos would hold ~65 MB per request. Multipart is read one file at a time and keeps the full count.
 */
const MAX_JSON_PHOTO_BYTES_IN = 3;
const uuid = z.string().regex(/^[0-9a-f-]{36}$/, 'must be a lowercase UUID');
const personParams = z.object({ personId: uuid });
const photoParams = z.object({ personId: uuid, photoId: uuid });

const fields = z.record(z.string().regex(/^[\w.-]{1,64}$/), z.string().max(1000));
const personFields = {
  name: z.string().trim().min(1).max(200),
  email: z.email().nullable().optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ().-]{3,32}$/, 'not a phone number')
    .nullable()
    .optional(),
  fields: fields.optional().describe('free string fields: employee number, department, …'),
};
const personInput = z.object(personFields);
const registration = { ...personFields, consent: consentInputSchema.optional() };

const photoView = z.object({
  photoId: z.string(),
  faceId: z.string(),
  box: boxSchema,
  createdAt: z.string(),
  url: z.string(),
  thumbnailUrl: z.string(),
});
const personView = z.object({
  personId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  fields: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  photos: z.array(photoView),
});

function view(p: Person): z.infer<typeof personView> {
  return {
    ...p,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    photos: p.photos.map((ph) => ({
      photoId: ph.photoId,
      faceId: ph.faceId,
      box: ph.box,
      createdAt: ph.createdAt.toISOString(),
      url: `/v1/people/${p.personId}/photos/${ph.photoId}`,
      thumbnailUrl: `/v1/people/${p.personId}/photos/${ph.photoId}?size=thumbnail`,
    })),
  };
}

/** Multipart registration: the person's fields as form fields (`fields` as a JSON object string). */
function personFromForm(form: Record<string, string>): z.infer<z.ZodObject<typeof registration>> {
  const json = (name: 'fields' | 'consent'): unknown => {
    try {
      return form[name] ? JSON.parse(form[name]) : undefined;
    } catch {
      throw new FacegateError('INVALID_PARAMETER', `${name}: must be a JSON object`);
    }
  };
  const r = z.object(registration).safeParse({
    ...form,
    fields: json('fields'),
    consent: json('consent'),
    email: form.email || undefined,
    phone: form.phone || undefined,
  });
  if (!r.success) throw invalid('body', r.error);
  return r.data;
}

const stripUndefined = (o: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined));

/** `erase`: governance's erasure everywhere (people, consent, pipeline, audit); without it DELETE removes the
 * person's faces, photos and rows only. */
export function peopleRoutes(
  verify: () => Promise<VerifyService>,
  maxImageBytes: number,
  erase?: (personId: string) => Promise<unknown>,
): AnyRouteSpec[] {
  const photos = z.array(base64Image(maxImageBytes)).min(1).max(MAX_PHOTOS);
  const imageBody = z.object({ image: base64Image(maxImageBytes), threshold: thresholdQuery });
  const tag = 'People (register, verify, identify)';
  const errors = ['NO_FACE', 'INVALID_IMAGE_FORMAT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];
  return [
    route({
      method: 'POST',
      url: '/people',
      operationId: 'registerPerson',
      analyses: true,
      summary:
        'Register a person with metadata and 1–10 photos: multipart (form fields + files), base64 JSON, or one raw image with the fields in the query',
      tag,
      access: 'write',
      scope: { app: 'verify' },
      status: 201,
      bodyKind: 'multipart-or-json',
      bodyLimit: base64BodyLimit(maxImageBytes, MAX_JSON_PHOTO_BYTES_IN),
      body: z.object({ ...registration, photos }),
      // For a raw image body (Content-Type: image/jpeg), the person's fields come in the query string.
      query: z.object({
        name: z.string().optional(),
        email: z.string().optional(),
        phone: z.string().optional(),
        fields: z.string().optional().describe('JSON object of strings'),
        consent: z.string().optional().describe('JSON consent record (purpose, method, givenBy, textVersion)'),
      }),
      response: personView,
      errors: [...errors, 'CONSENT_REQUIRED'],
      handler: async (ctx) => {
        const { images, upload } = await imagesOf(ctx, (b: { photos: Uint8Array[] }) => b.photos);
        const input = ctx.body ?? personFromForm({ ...stripUndefined(ctx.query), ...(upload?.fields ?? {}) });
        if (images.length > MAX_PHOTOS) throw new FacegateError('INVALID_PARAMETER', `At most ${MAX_PHOTOS} photos`);
        const recordedBy = ctx.request.principal?.id ?? null;
        return view(await (await verify()).register({ ...input, recordedBy }, images));
      },
    }),
    route({
      method: 'GET',
      url: '/people',
      operationId: 'listPeople',
      summary: 'List people by name; `q` filters by name, e-mail or phone',
      tag,
      access: 'read',
      scope: { app: 'verify' },
      query: z.object({
        limit: z.coerce.number().int().min(1).max(500).default(50),
        cursor: z.string().optional(),
        q: z.string().max(200).optional(),
      }),
      response: z.object({ people: z.array(personView), nextCursor: z.string().nullable() }),
      errors: ['INVALID_PAGINATION_TOKEN'],
      handler: async ({ query }) => {
        const after = cursor.decode(query.cursor, z.object({ name: z.string(), personId: z.string() }));
        const list = await (await verify()).list({ limit: query.limit, after, search: query.q });
        const last = list.at(-1);
        return {
          people: list.map(view),
          nextCursor:
            list.length === query.limit && last ? cursor.encode({ name: last.name, personId: last.personId }) : null,
        };
      },
    }),
    route({
      method: 'GET',
      url: '/people/:personId',
      operationId: 'getPerson',
      summary: 'A person with their photos',
      tag,
      access: 'read',
      scope: { app: 'verify' },
      params: personParams,
      response: personView,
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => view(await (await verify()).get(params.personId)),
    }),
    route({
      method: 'PATCH',
      url: '/people/:personId',
      operationId: 'updatePerson',
      summary: 'Change a person’s name, contact or fields (fields are replaced as a whole)',
      tag,
      access: 'write',
      scope: { app: 'verify' },
      params: personParams,
      body: personInput.partial(),
      response: personView,
      errors: ['NOT_FOUND'],
      handler: async ({ params, body }) => view(await (await verify()).update(params.personId, body)),
    }),
    route({
      method: 'DELETE',
      url: '/people/:personId',
      operationId: 'deletePerson',
      summary:
        'Erase a person: faces and descriptors, photos and thumbnails, consent, pipeline runs, events, notifications; their audit entries are redacted',
      tag,
      access: 'write',
      scope: { app: 'verify' },
      params: personParams,
      response: z.object({ deleted: z.string() }),
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => {
        if (erase) await erase(params.personId);
        else await (await verify()).delete(params.personId);
        return { deleted: params.personId };
      },
    }),
    route({
      method: 'POST',
      url: '/people/:personId/photos',
      operationId: 'addPhotos',
      analyses: true,
      summary: 'Add photos to a person',
      tag,
      access: 'write',
      scope: { app: 'verify' },
      status: 201,
      params: personParams,
      bodyKind: 'multipart-or-json',
      bodyLimit: base64BodyLimit(maxImageBytes, MAX_JSON_PHOTO_BYTES_IN),
      body: z.object({ photos }),
      response: personView,
      errors: [...errors, 'NOT_FOUND'],
      handler: async (ctx) => {
        const { images } = await imagesOf(ctx, (b: { photos: Uint8Array[] }) => b.photos);
        return view(await (await verify()).addPhotos(ctx.params.personId, images));
      },
    }),
    route({
      method: 'GET',
      url: '/people/:personId/photos/:photoId',
      operationId: 'getPhoto',
      summary: 'A stored photo, or with size=thumbnail its face thumbnail (JPEG)',
      tag,
      access: 'read',
      scope: { app: 'verify' },
      params: photoParams,
      query: z.object({ size: z.enum(['original', 'thumbnail']).default('original') }),
      errors: ['NOT_FOUND'],
      handler: async ({ params, query, reply }) => {
        const bytes = await (await verify()).photo(params.personId, params.photoId, query.size);
        return sendImage(reply, bytes);
      },
    }),
    route({
      method: 'DELETE',
      url: '/people/:personId/photos/:photoId',
      operationId: 'deletePhoto',
      summary: 'Delete one photo with its face and thumbnail',
      tag,
      access: 'write',
      scope: { app: 'verify' },
      params: photoParams,
      response: personView,
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => view(await (await verify()).deletePhoto(params.personId, params.photoId)),
    }),
    route({
      method: 'POST',
      url: '/people/:personId/verify',
      operationId: 'verifyPerson',
      analyses: true,
      summary: 'Verify 1:1: is the largest face in this image this person?',
      tag,
      access: 'read',
      scope: { app: 'verify' },
      params: personParams,
      query: z.object({ threshold: thresholdQuery }),
      bodyKind: 'image-or-json',
      bodyLimit: base64BodyLimit(maxImageBytes),
      body: imageBody,
      response: z.object({
        personId: z.string(),
        name: z.string(),
        verified: z.boolean(),
        similarity: z.number(),
        threshold: z.number(),
        matchedFaceId: z.string().nullable(),
        searchedFace: z.object({ box: boxSchema, confidence: z.number() }),
      }),
      errors: [...errors, 'NOT_FOUND'],
      handler: async (ctx) => {
        const image = await oneImage(ctx);
        return (await verify()).verify(ctx.params.personId, image, ctx.body?.threshold ?? ctx.query.threshold);
      },
    }),
    route({
      method: 'POST',
      url: '/people/:personId/rejections',
      operationId: 'rejectMatch',
      analyses: true,
      summary: 'Negative feedback: the largest face in this image is NOT this person; it will not match them again',
      tag,
      access: 'write',
      scope: { app: 'verify' },
      status: 201,
      params: personParams,
      bodyKind: 'image-or-json',
      bodyLimit: base64BodyLimit(maxImageBytes),
      body: imageBody,
      response: z.object({ rejectionId: z.string(), personId: z.string() }),
      errors: [...errors, 'NOT_FOUND'],
      handler: async (ctx) => (await verify()).reject(ctx.params.personId, await oneImage(ctx)),
    }),
    route({
      method: 'POST',
      url: '/identify',
      operationId: 'identify',
      analyses: true,
      summary: 'Identify 1:N: who is the largest face in this image (or unknown)?',
      tag,
      access: 'read',
      scope: { app: 'verify' },
      query: z.object({ threshold: thresholdQuery, maxResults: z.coerce.number().int().min(1).max(100).optional() }),
      bodyKind: 'image-or-json',
      bodyLimit: base64BodyLimit(maxImageBytes),
      body: imageBody,
      response: z.object({
        unknown: z.boolean(),
        threshold: z.number(),
        searchedFace: z.object({ box: boxSchema, confidence: z.number() }).nullable(),
        matches: z.array(z.object({ similarity: z.number(), faceId: z.string(), person: personView })),
      }),
      errors,
      handler: async (ctx) => {
        const image = await oneImage(ctx);
        const r = await (
          await verify()
        ).identify(image, {
          threshold: ctx.body?.threshold ?? ctx.query.threshold,
          maxResults: ctx.query.maxResults,
        });
        return { ...r, matches: r.matches.map((m) => ({ ...m, person: view(m.person) })) };
      },
    }),
  ];
}
