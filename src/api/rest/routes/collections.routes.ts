// /v1/collections: a read-only view of every collection and its faces for the console (the Rekognition protocol
// is the full API). Face thumbnails exist for faces the apps stored photos of (people; uploads are cropped on demand).
import { z } from 'zod';
import type { AppServices } from '../../../apps/apps.factory.ts';
import type { CollectionService } from '../../../collections/collection.service.ts';
import type { Thumbnailer } from '../../../apps/verify/thumbnail.port.ts';
import { FacegateError } from '../../../errors.ts';
import { seesCollection } from '../rest.auth.ts';
import { route, type AnyRouteSpec } from '../rest.route.ts';
import { boxSchema, sendImage } from './route.helpers.ts';

const collectionId = z.string().regex(/^[a-zA-Z0-9_.-]{1,255}$/);

export function collectionsRoutes(
  collections: () => Promise<CollectionService>,
  apps: () => Promise<AppServices>,
  thumbnails: Thumbnailer,
): AnyRouteSpec[] {
  const tag = 'Collections (read-only)';
  return [
    route({
      method: 'GET',
      url: '/collections',
      operationId: 'listCollections',
      summary: 'Collections with their face counts',
      tag,
      access: 'read',
      scope: { app: 'collections', listing: true },
      response: z.object({
        collections: z.array(
          z.object({
            collectionId: z.string(),
            faceCount: z.number(),
            userCount: z.number(),
            faceModelVersion: z.string(),
            createdAt: z.string(),
          }),
        ),
      }),
      handler: async ({ request }) => {
        const svc = await collections();
        const ids: string[] = [];
        let nextToken: string | undefined;
        do {
          const page = await svc.listCollections({ maxResults: 1000, nextToken });
          ids.push(...page.collectionIds.filter((id) => seesCollection(request.principal, id)));
          nextToken = page.nextToken;
        } while (nextToken && ids.length < 10_000);
        const described = await Promise.all(ids.map((id) => svc.describeCollection(id)));
        return { collections: described.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })) };
      },
    }),
    route({
      method: 'GET',
      url: '/collections/:collectionId/faces',
      operationId: 'listCollectionFaces',
      summary: 'Faces of a collection, a page at a time',
      tag,
      access: 'read',
      scope: { app: 'collections', collection: ({ params }) => String(params.collectionId) },
      params: z.object({ collectionId }),
      query: z.object({ cursor: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: z.object({
        faces: z.array(
          z.object({
            faceId: z.string(),
            externalImageId: z.string().optional(),
            userId: z.string().optional(),
            box: boxSchema,
            confidence: z.number(),
            thumbnailUrl: z.string(),
          }),
        ),
        nextCursor: z.string().nullable(),
      }),
      errors: ['NOT_FOUND', 'INVALID_PAGINATION_TOKEN'],
      handler: async ({ params, query }) => {
        const r = await (
          await collections()
        ).listFaces({ collectionId: params.collectionId, maxResults: query.limit, nextToken: query.cursor });
        return {
          faces: r.faces.map((f) => ({
            ...f,
            thumbnailUrl: `/v1/collections/${params.collectionId}/faces/${f.faceId}/thumbnail`,
          })),
          nextCursor: r.nextToken ?? null,
        };
      },
    }),
    route({
      method: 'GET',
      url: '/collections/:collectionId/faces/:faceId/thumbnail',
      operationId: 'faceThumbnail',
      summary: 'A face thumbnail (JPEG) when the face’s photo is stored (people, uploads); 404 otherwise',
      tag,
      access: 'read',
      scope: { app: 'collections', collection: ({ params }) => String(params.collectionId) },
      params: z.object({ collectionId, faceId: z.string().regex(/^[0-9a-f-]{36}$/) }),
      errors: ['NOT_FOUND'],
      handler: async ({ params, reply }) => {
        const a = await apps();
        if (params.collectionId === a.verify.collectionId) {
          const t = await a.verify.faceThumbnail(params.faceId);
          if (t) return sendImage(reply, t);
        } else if (params.collectionId === a.uploads.collectionId) {
          const [face] = (
            await (await collections()).listFaces({ collectionId: params.collectionId, faceIds: [params.faceId] })
          ).faces;
          if (face?.externalImageId) {
            return sendImage(
              reply,
              await thumbnails.faceThumbnail(await a.uploads.get(face.externalImageId), face.box),
            );
          }
        }
        throw new FacegateError('NOT_FOUND', 'No stored photo for this face');
      },
    }),
  ];
}
