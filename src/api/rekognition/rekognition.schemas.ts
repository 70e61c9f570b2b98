// Request schemas, one per operation, with the service model's constraints (botocore rekognition 2016-06-27).
// Unknown members are dropped rather than refused: newer SDKs send optional members (Features, Settings,
// ProjectVersion, …) this server does not model, and AWS itself ignores what it does not use.
import { z } from 'zod';
import { streamSchemas } from './stream.schemas.ts';
import { livenessSchemas } from './liveness.schemas.ts';

export const CollectionId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9_.-]+$/, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-]+');
export const ExternalImageId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9_.\-:]+$/, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-:]+');
export const UserId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9_.\-:]+$/, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-:]+');
export const FaceId = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'Member must be a lower-case UUID');
const ClientRequestToken = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9-_]+$/, 'Member must satisfy regular expression pattern: ^[a-zA-Z0-9-_]+$');
const NextToken = z.string().max(255);
const Percent = z.number().min(0).max(100);
const int = (min: number, max: number) => z.number().int().min(min).max(max);
const QualityFilter = z.enum(['NONE', 'AUTO', 'LOW', 'MEDIUM', 'HIGH']);

/** Bytes is base64 on the wire; it is decoded (and size-checked) by image.input.ts, not here. */
export const Image = z
  .object({
    Bytes: z.string().min(1).optional(),
    S3Object: z
      .object({
        Bucket: z.string().min(3).max(255),
        Name: z.string().min(1).max(1024),
        Version: z.string().min(1).max(1024).optional(),
      })
      .optional(),
  })
  .refine((i) => (i.Bytes === undefined) !== (i.S3Object === undefined), {
    message: 'Exactly one of Bytes or S3Object must be given',
  });
export type ImageParam = z.infer<typeof Image>;

export const FaceAttribute = z.enum([
  'DEFAULT',
  'ALL',
  'AGE_RANGE',
  'BEARD',
  'EMOTIONS',
  'EYE_DIRECTION',
  'EYEGLASSES',
  'EYES_OPEN',
  'GENDER',
  'MOUTH_OPEN',
  'MUSTACHE',
  'FACE_OCCLUDED',
  'SMILE',
  'SUNGLASSES',
]);
export type FaceAttributeName = z.infer<typeof FaceAttribute>;

export const schemas = {
  CreateCollection: z.object({ CollectionId, Tags: z.record(z.string(), z.string()).optional() }),
  DeleteCollection: z.object({ CollectionId }),
  DescribeCollection: z.object({ CollectionId }),
  ListCollections: z.object({ NextToken: NextToken.optional(), MaxResults: int(0, 4096).optional() }),
  IndexFaces: z.object({
    CollectionId,
    Image,
    ExternalImageId: ExternalImageId.optional(),
    DetectionAttributes: z.array(FaceAttribute).optional(),
    MaxFaces: int(1, 100).optional(),
    QualityFilter: QualityFilter.optional(),
  }),
  ListFaces: z.object({
    CollectionId,
    NextToken: NextToken.optional(),
    MaxResults: int(0, 4096).optional(),
    UserId: UserId.optional(),
    FaceIds: z.array(FaceId).min(1).max(4096).optional(),
  }),
  DeleteFaces: z.object({ CollectionId, FaceIds: z.array(FaceId).min(1).max(4096) }),
  SearchFaces: z.object({
    CollectionId,
    FaceId,
    MaxFaces: int(1, 4096).optional(),
    FaceMatchThreshold: Percent.optional(),
  }),
  SearchFacesByImage: z.object({
    CollectionId,
    Image,
    MaxFaces: int(1, 4096).optional(),
    FaceMatchThreshold: Percent.optional(),
    QualityFilter: QualityFilter.optional(),
  }),
  CompareFaces: z.object({
    SourceImage: Image,
    TargetImage: Image,
    SimilarityThreshold: Percent.optional(),
    QualityFilter: QualityFilter.optional(),
  }),
  DetectFaces: z.object({ Image, Attributes: z.array(FaceAttribute).optional() }),
  DetectLabels: z.object({ Image, MaxLabels: int(0, 1000).optional(), MinConfidence: Percent.optional() }),
  DetectModerationLabels: z.object({ Image, MinConfidence: Percent.optional() }),
  CreateUser: z.object({ CollectionId, UserId, ClientRequestToken: ClientRequestToken.optional() }),
  DeleteUser: z.object({ CollectionId, UserId, ClientRequestToken: ClientRequestToken.optional() }),
  ListUsers: z.object({ CollectionId, MaxResults: int(1, 500).optional(), NextToken: NextToken.optional() }),
  AssociateFaces: z.object({
    CollectionId,
    UserId,
    FaceIds: z.array(FaceId).min(1).max(100),
    UserMatchThreshold: Percent.optional(),
    ClientRequestToken: ClientRequestToken.optional(),
  }),
  DisassociateFaces: z.object({
    CollectionId,
    UserId,
    FaceIds: z.array(FaceId).min(1).max(100),
    ClientRequestToken: ClientRequestToken.optional(),
  }),
  SearchUsers: z
    .object({
      CollectionId,
      UserId: UserId.optional(),
      FaceId: FaceId.optional(),
      UserMatchThreshold: Percent.optional(),
      MaxUsers: int(1, 500).optional(),
    })
    .refine((r) => (r.UserId === undefined) !== (r.FaceId === undefined), {
      message: 'Exactly one of UserId or FaceId must be given',
    }),
  SearchUsersByImage: z.object({
    CollectionId,
    Image,
    UserMatchThreshold: Percent.optional(),
    MaxUsers: int(1, 500).optional(),
    QualityFilter: QualityFilter.optional(),
  }),
  ...streamSchemas,
  ...livenessSchemas,
} as const;

export type OperationName = keyof typeof schemas;
export type RequestOf<K extends OperationName> = z.infer<(typeof schemas)[K]>;

/** AWS-style message: "2 validation errors detected: Value at 'CollectionId' failed to satisfy constraint: …". */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.map((i) => {
    const where = i.path.length ? `at '${i.path.join('.')}' ` : '';
    return `Value ${where}failed to satisfy constraint: ${i.message}`;
  });
  const n = parts.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
}
