// The record a stream processor writes to its Kinesis Data Stream for each analysed frame with faces, in the shape
// AWS documents for Rekognition Video face search ("Reading streaming video analysis results"), and the Lambda
// event envelope a Kinesis-triggered function receives. Times are seconds since the epoch (floats).
import type { Box } from '../../vision/vision.types.ts';
import type { AnalysedFrame } from '../visit.types.ts';
import type { ProcessorStatus } from './processor.types.ts';

/** A collection face, for MatchedFaces[].Face. */
export interface StoredFace {
  faceId: string;
  imageId: string;
  externalImageId?: string;
  box: Box;
  confidence: number;
}

const bbox = (b: Box) => ({ Width: b.width, Height: b.height, Left: b.left, Top: b.top });
const seconds = (d: Date) => d.getTime() / 1000;

export function faceSearchRecord(
  frame: AnalysedFrame,
  p: { inputArn: string; status: ProcessorStatus; faceMatchThreshold: number },
  faces: ReadonlyMap<string, StoredFace>,
): Record<string, unknown> {
  return {
    InputInformation: {
      KinesisVideo: {
        StreamArn: p.inputArn,
        // Facegate has no Kinesis fragments: the camera's frame number stands in for the fragment number.
        FragmentNumber: String(frame.frameNumber),
        ServerTimestamp: seconds(frame.receivedAt),
        ProducerTimestamp: seconds(frame.producedAt),
        FrameOffsetInSeconds: frame.offsetSeconds,
      },
    },
    StreamProcessorInformation: { Status: p.status },
    FaceSearchResponse: frame.faces.map((f) => ({
      DetectedFace: { BoundingBox: bbox(f.box), Confidence: f.confidence },
      MatchedFaces: f.matches
        .filter((m) => m.similarity >= p.faceMatchThreshold && faces.has(m.faceId))
        .map((m) => {
          const s = faces.get(m.faceId)!;
          return {
            Similarity: m.similarity,
            Face: {
              BoundingBox: bbox(s.box),
              FaceId: s.faceId,
              Confidence: s.confidence,
              ImageId: s.imageId,
              ...(s.externalImageId !== undefined && { ExternalImageId: s.externalImageId }),
            },
          };
        }),
    })),
  };
}

/** The Lambda event for a Kinesis trigger: `{Records:[{kinesis:{data: base64(JSON record)}}]}` with the usual fields. */
export function lambdaEnvelope(
  records: readonly Record<string, unknown>[],
  p: { outputArn: string; region: string; sequence: () => string },
): Record<string, unknown> {
  return {
    Records: records.map((r) => {
      const sequenceNumber = p.sequence();
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: String(
            (r.InputInformation as { KinesisVideo: { FragmentNumber: string } }).KinesisVideo.FragmentNumber,
          ),
          sequenceNumber,
          data: Buffer.from(JSON.stringify(r)).toString('base64'),
          approximateArrivalTimestamp: Date.now() / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        awsRegion: p.region,
        eventSourceARN: p.outputArn,
      };
    }),
  };
}
