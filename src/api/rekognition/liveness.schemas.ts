// Request schemas of the Face Liveness operations, with the service model's constraints (botocore rekognition
// 2016-06-27). ChallengePreferences and KmsKeyId are accepted and ignored: Facegate runs one challenge (head movement)
// and its object store encrypts (or not) as configured.
import { z } from 'zod';

export const SessionId = z
  .string()
  .length(36)
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'Member must satisfy regular expression pattern: ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  );

export const livenessSchemas = {
  CreateFaceLivenessSession: z.object({
    KmsKeyId: z.string().min(1).max(2048).optional(),
    Settings: z
      .object({
        OutputConfig: z
          .object({
            S3Bucket: z
              .string()
              .min(3)
              .max(255)
              .regex(/^[0-9A-Za-z.\-_]*$/, 'Member must satisfy regular expression pattern: [0-9A-Za-z\\.\\-_]*'),
            S3KeyPrefix: z.string().max(950).optional(),
          })
          .optional(),
        AuditImagesLimit: z.number().int().min(0).max(4).optional(),
        ChallengePreferences: z.array(z.object({ Type: z.string() }).passthrough()).optional(),
      })
      .optional(),
    ClientRequestToken: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-zA-Z0-9-_]+$/, 'Member must satisfy regular expression pattern: ^[a-zA-Z0-9-_]+$')
      .optional(),
  }),
  GetFaceLivenessSessionResults: z.object({ SessionId }),
} as const;
