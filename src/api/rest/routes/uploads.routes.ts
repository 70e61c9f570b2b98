// /v1/index/:key and /v1/search: the upload-and-search API of the FullStackWithLawrence tutorial.
import { z } from 'zod';
import { UPLOAD_KEY, type UploadsService } from '../../../apps/verify/uploads.service.ts';
import { base64BodyLimit, base64Image } from '../image.input.ts';
import { route, type AnyRouteSpec } from '../rest.route.ts';
import { boxSchema, oneImage, sendImage, thresholdQuery } from './route.helpers.ts';

const keyParams = z.object({ key: z.string().regex(UPLOAD_KEY, 'letters, digits and _ . - : (1–255)') });
const wireBox = z.object({ Width: z.number(), Height: z.number(), Left: z.number(), Top: z.number() });

export function uploadsRoutes(uploads: () => Promise<UploadsService>, maxImageBytes: number): AnyRouteSpec[] {
  const tag = 'Index and search by upload';
  const errors = ['NO_FACE', 'INVALID_IMAGE_FORMAT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];
  return [
    route({
      method: 'PUT',
      url: '/index/:key',
      operationId: 'indexUpload',
      analyses: true,
      summary: 'Store an image under a key and index every face in it (ExternalImageId = key); replaces the key',
      tag,
      access: 'write',
      scope: { app: 'uploads' },
      params: keyParams,
      bodyKind: 'image-or-json',
      bodyLimit: base64BodyLimit(maxImageBytes),
      body: z.object({ image: base64Image(maxImageBytes) }),
      response: z.object({
        key: z.string(),
        faces: z.array(z.object({ faceId: z.string(), box: boxSchema, confidence: z.number() })),
        unindexed: z.array(z.object({ box: boxSchema, reasons: z.array(z.string()) })),
      }),
      errors,
      handler: async (ctx) => (await uploads()).index(ctx.params.key, await oneImage(ctx)),
    }),
    route({
      method: 'GET',
      url: '/index/:key',
      operationId: 'getUpload',
      summary: 'The image stored under a key',
      tag,
      access: 'read',
      scope: { app: 'uploads' },
      params: keyParams,
      errors: ['NOT_FOUND'],
      handler: async ({ params, reply }) => sendImage(reply, await (await uploads()).get(params.key)),
    }),
    route({
      method: 'DELETE',
      url: '/index/:key',
      operationId: 'deleteUpload',
      summary: 'Delete the image under a key and its faces',
      tag,
      access: 'write',
      scope: { app: 'uploads' },
      params: keyParams,
      response: z.object({ deleted: z.string() }),
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => {
        await (await uploads()).delete(params.key);
        return { deleted: params.key };
      },
    }),
    route({
      method: 'POST',
      url: '/search',
      operationId: 'searchUpload',
      analyses: true,
      summary: 'Search the indexed uploads with the largest face of an image: raw matches and matched keys',
      tag,
      access: 'read',
      scope: { app: 'uploads' },
      query: z.object({ threshold: thresholdQuery, maxFaces: z.coerce.number().int().min(1).max(4096).optional() }),
      bodyKind: 'image-or-json',
      bodyLimit: base64BodyLimit(maxImageBytes),
      body: z.object({ image: base64Image(maxImageBytes) }),
      response: z.object({
        searchedFace: z.object({ box: boxSchema, confidence: z.number() }),
        faces: z
          .array(
            z.object({
              Similarity: z.number(),
              Face: z.object({
                FaceId: z.string(),
                ImageId: z.string(),
                ExternalImageId: z.string().optional(),
                BoundingBox: wireBox,
                Confidence: z.number(),
              }),
            }),
          )
          .describe('Rekognition FaceMatches, best first'),
        matchedFaces: z.array(z.string()).describe('distinct keys of the matched faces, best first'),
      }),
      errors,
      handler: async (ctx) => {
        const r = await (await uploads()).search(await oneImage(ctx), ctx.query);
        return {
          searchedFace: r.searchedFace,
          matchedFaces: r.matchedFaces,
          faces: r.faceMatches.map((m) => ({
            Similarity: m.similarity,
            Face: {
              FaceId: m.face.faceId,
              ImageId: m.face.imageId,
              ExternalImageId: m.face.externalImageId,
              BoundingBox: {
                Width: m.face.box.width,
                Height: m.face.box.height,
                Left: m.face.box.left,
                Top: m.face.box.top,
              },
              Confidence: m.face.confidence,
            },
          })),
        };
      },
    }),
  ];
}
