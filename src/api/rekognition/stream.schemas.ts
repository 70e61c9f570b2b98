// Request schemas of the stream processor operations, with the service model's constraints (botocore rekognition
// 2016-06-27). Facegate implements face search processors: Settings.ConnectedHome and Output.S3Destination are refused.
import { z } from 'zod';

// rekognition.schemas.ts spreads these schemas into its table, so its CollectionId cannot be imported here (a cycle).
const CollectionId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9_.-]+$/, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-]+');

const Name = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9_.-]+$/, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-]+');
const RoleArn = z
  .string()
  .max(2048)
  .regex(/^arn:aws:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/, 'Member must satisfy the IAM role ARN pattern');
const KvsArn = z
  .string()
  .regex(/^arn:([a-z\d-]+):kinesisvideo:([a-z\d-]+):\d{12}:.+$/, 'Member must be a Kinesis video stream ARN');
const KdsArn = z
  .string()
  .regex(/^arn:([a-z\d-]+):kinesis:([a-z\d-]+):\d{12}:.+$/, 'Member must be a Kinesis data stream ARN');
const Box = z.object({
  Width: z.number().min(0).max(1).optional(),
  Height: z.number().min(0).max(1).optional(),
  Left: z.number().min(0).max(1).optional(),
  Top: z.number().min(0).max(1).optional(),
});
const RegionsOfInterest = z
  .array(
    z.object({
      BoundingBox: Box.optional(),
      Polygon: z
        .array(z.object({ X: z.number().min(0).max(1).optional(), Y: z.number().min(0).max(1).optional() }))
        .min(3)
        .max(10)
        .optional(),
    }),
  )
  .max(10);
const DataSharingPreference = z.object({ OptIn: z.boolean() });

export const streamSchemas = {
  CreateStreamProcessor: z.object({
    Name,
    Input: z.object({ KinesisVideoStream: z.object({ Arn: KvsArn }) }),
    Output: z.object({
      KinesisDataStream: z.object(
        { Arn: KdsArn },
        { error: 'Output.KinesisDataStream is required (S3Destination is not supported)' },
      ),
    }),
    Settings: z.object({
      FaceSearch: z.object(
        { CollectionId, FaceMatchThreshold: z.number().min(0).max(100).optional() },
        { error: 'Settings.FaceSearch is required (ConnectedHome is not supported)' },
      ),
    }),
    RoleArn,
    Tags: z.record(z.string().min(1).max(128), z.string().max(256)).optional(),
    NotificationChannel: z.object({ SNSTopicArn: z.string().min(1) }).optional(),
    KmsKeyId: z.string().min(1).max(2048).optional(),
    RegionsOfInterest: RegionsOfInterest.optional(),
    DataSharingPreference: DataSharingPreference.optional(),
  }),
  StartStreamProcessor: z.object({
    Name,
    StartSelector: z.object({ KVSStreamStartSelector: z.record(z.string(), z.unknown()).optional() }).optional(),
    StopSelector: z.object({ MaxDurationInSeconds: z.number().int().min(1).max(120).optional() }).optional(),
  }),
  StopStreamProcessor: z.object({ Name }),
  DescribeStreamProcessor: z.object({ Name }),
  DeleteStreamProcessor: z.object({ Name }),
  ListStreamProcessors: z.object({
    NextToken: z.string().max(255).optional(),
    MaxResults: z.number().int().min(1).max(1000).optional(),
  }),
  UpdateStreamProcessor: z.object({
    Name,
    SettingsForUpdate: z.object({ ConnectedHomeForUpdate: z.unknown().optional() }).optional(),
    RegionsOfInterestForUpdate: RegionsOfInterest.optional(),
    DataSharingPreferenceForUpdate: DataSharingPreference.optional(),
    ParametersToDelete: z.array(z.enum(['ConnectedHomeMinConfidence', 'RegionsOfInterest'])).optional(),
  }),
} as const;
