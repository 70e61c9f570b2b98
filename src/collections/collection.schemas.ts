// Input validation for CollectionService: the Rekognition limits, enforced once for both APIs. A failed check is an
// INVALID_PARAMETER FacegateError naming the field.
import { z } from 'zod';
import { FacegateError } from '../errors.ts';

export const collectionId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9_.-]+$/);
export const externalImageId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9_.\-:]+$/);
export const userId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9_.\-:]+$/);
export const faceId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
export const clientRequestToken = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9-_]+$/);
export const qualityFilter = z.enum(['NONE', 'AUTO', 'LOW', 'MEDIUM', 'HIGH']);
const percent = z.number().min(0).max(100);
const tags = z.record(z.string().min(1).max(128), z.string().max(256));

const image = z.union([
  z.object({ bytes: z.instanceof(Uint8Array) }),
  z.object({
    s3Object: z.object({ bucket: z.string().min(1), name: z.string().min(1), version: z.string().optional() }),
  }),
]);

export const schemas = {
  collectionId,
  createCollection: z.object({ collectionId, tags: tags.optional() }),
  page: (max: number) => z.object({ maxResults: z.int().min(1).max(max).optional(), nextToken: z.string().optional() }),
  indexFaces: z.object({
    collectionId,
    image,
    externalImageId: externalImageId.optional(),
    maxFaces: z.int().min(1).max(100).optional(),
    qualityFilter: qualityFilter.optional(),
    detectionAttributes: z.array(z.string()).optional(),
  }),
  listFaces: z.object({
    collectionId,
    maxResults: z.int().min(1).max(4096).optional(),
    nextToken: z.string().optional(),
    userId: userId.optional(),
    faceIds: z.array(faceId).min(1).max(4096).optional(),
  }),
  deleteFaces: z.object({ collectionId, faceIds: z.array(faceId).min(1).max(4096) }),
  searchFaces: z.object({
    collectionId,
    faceId,
    maxFaces: z.int().min(1).max(4096).optional(),
    faceMatchThreshold: percent.optional(),
  }),
  searchFacesByImage: z.object({
    collectionId,
    image,
    maxFaces: z.int().min(1).max(4096).optional(),
    faceMatchThreshold: percent.optional(),
    qualityFilter: qualityFilter.optional(),
  }),
  user: z.object({ collectionId, userId, clientRequestToken: clientRequestToken.optional() }),
  listUsers: z.object({
    collectionId,
    maxResults: z.int().min(1).max(500).optional(),
    nextToken: z.string().optional(),
  }),
  associateFaces: z.object({
    collectionId,
    userId,
    faceIds: z.array(faceId).min(1).max(100),
    userMatchThreshold: percent.optional(),
    clientRequestToken: clientRequestToken.optional(),
  }),
  disassociateFaces: z.object({
    collectionId,
    userId,
    faceIds: z.array(faceId).min(1).max(100),
    clientRequestToken: clientRequestToken.optional(),
  }),
  searchUsers: z
    .object({
      collectionId,
      userId: userId.optional(),
      faceId: faceId.optional(),
      userMatchThreshold: percent.optional(),
      maxUsers: z.int().min(1).max(500).optional(),
    })
    .refine((r) => (r.userId === undefined) !== (r.faceId === undefined), 'exactly one of UserId and FaceId'),
  searchUsersByImage: z.object({
    collectionId,
    image,
    userMatchThreshold: percent.optional(),
    maxUsers: z.int().min(1).max(500).optional(),
    qualityFilter: qualityFilter.optional(),
  }),
};

/** Parses or throws INVALID_PARAMETER naming each bad field. */
export function check<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`);
  throw new FacegateError('INVALID_PARAMETER', problems.join('; '));
}
