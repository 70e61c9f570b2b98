// Stream processors (Rekognition Video's face search on a stream), as Facegate keeps them. A processor's input names a
// Facegate camera (the Kinesis Video stream name is the camera id), its output names a delivery target configured
// in Facegate (the Kinesis Data Stream name is the target's `stream`).
import type { Box } from '../../vision/vision.types.ts';

export type ProcessorStatus = 'STOPPED' | 'STARTING' | 'RUNNING' | 'FAILED' | 'STOPPING' | 'UPDATING';

export interface StreamProcessorRecord {
  name: string;
  arn: string;
  status: ProcessorStatus;
  statusMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** KinesisVideoStream.Arn as given; cameraId is its stream name. */
  inputArn: string;
  cameraId: string;
  /** KinesisDataStream.Arn as given; target is its stream name. */
  outputArn: string;
  target: string;
  roleArn: string;
  collectionId: string;
  /** 0–100; default 80. */
  faceMatchThreshold: number;
  /** Kept and returned as given (the face search uses the whole frame). */
  regionsOfInterest: { boundingBox?: Box; polygon?: { x: number; y: number }[] }[] | null;
  dataSharingOptIn: boolean | null;
  notificationTopicArn: string | null;
  kmsKeyId: string | null;
  tags: Record<string, string>;
  sessionId: string | null;
}

export interface ProcessorStore {
  /** False when the name exists. */
  create(p: StreamProcessorRecord): Promise<boolean>;
  get(name: string): Promise<StreamProcessorRecord | undefined>;
  put(p: StreamProcessorRecord): Promise<void>;
  delete(name: string): Promise<boolean>;
  /** By name, after `afterName`. */
  list(afterName: string | undefined, limit: number): Promise<StreamProcessorRecord[]>;
}

/** Where a processor's records go: one call per record; throws when the target refused it. */
export interface RecordTarget {
  send(record: Record<string, unknown>): Promise<void>;
  close?(): Promise<void>;
}
