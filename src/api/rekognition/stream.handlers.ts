// Stream processor operations: thin calls into the ProcessorService (src/streams/processors), mapped to the wire.
import { FacegateError } from '../../errors.ts';
import type { StreamProcessorRecord } from '../../streams/processors/processor.types.ts';
import { operation } from './operation.ts';
import { streamSchemas as schemas } from './stream.schemas.ts';

type Roi = NonNullable<StreamProcessorRecord['regionsOfInterest']>;
type RoiWire = {
  BoundingBox?: { Width?: number; Height?: number; Left?: number; Top?: number };
  Polygon?: { X?: number; Y?: number }[];
}[];

const toRoi = (r: RoiWire): Roi =>
  r.map((x) => ({
    ...(x.BoundingBox && {
      boundingBox: {
        width: x.BoundingBox.Width ?? 0,
        height: x.BoundingBox.Height ?? 0,
        left: x.BoundingBox.Left ?? 0,
        top: x.BoundingBox.Top ?? 0,
      },
    }),
    ...(x.Polygon && { polygon: x.Polygon.map((p) => ({ x: p.X ?? 0, y: p.Y ?? 0 })) }),
  }));
const fromRoi = (r: Roi) =>
  r.map((x) => ({
    ...(x.boundingBox && {
      BoundingBox: {
        Width: x.boundingBox.width,
        Height: x.boundingBox.height,
        Left: x.boundingBox.left,
        Top: x.boundingBox.top,
      },
    }),
    ...(x.polygon && { Polygon: x.polygon.map((p) => ({ X: p.x, Y: p.y })) }),
  }));

export function describeProcessor(p: StreamProcessorRecord) {
  return {
    Name: p.name,
    StreamProcessorArn: p.arn,
    Status: p.status,
    ...(p.statusMessage !== null && { StatusMessage: p.statusMessage }),
    CreationTimestamp: p.createdAt.getTime() / 1000,
    LastUpdateTimestamp: p.updatedAt.getTime() / 1000,
    Input: { KinesisVideoStream: { Arn: p.inputArn } },
    Output: { KinesisDataStream: { Arn: p.outputArn } },
    RoleArn: p.roleArn,
    Settings: { FaceSearch: { CollectionId: p.collectionId, FaceMatchThreshold: p.faceMatchThreshold } },
    ...(p.notificationTopicArn !== null && { NotificationChannel: { SNSTopicArn: p.notificationTopicArn } }),
    ...(p.kmsKeyId !== null && { KmsKeyId: p.kmsKeyId }),
    ...(p.regionsOfInterest !== null && { RegionsOfInterest: fromRoi(p.regionsOfInterest) }),
    ...(p.dataSharingOptIn !== null && { DataSharingPreference: { OptIn: p.dataSharingOptIn } }),
  };
}

const token = {
  issue: (name: string) => Buffer.from(`sp:${name}`).toString('base64url'),
  read: (t: string) => {
    const s = Buffer.from(t, 'base64url').toString('utf8');
    if (!s.startsWith('sp:')) throw new FacegateError('INVALID_PAGINATION_TOKEN');
    return s.slice(3);
  },
};

export const CreateStreamProcessor = operation(schemas.CreateStreamProcessor, async (req, { container }) => {
  const svc = await container.get('processors');
  const r = await svc.create({
    name: req.Name,
    inputArn: req.Input.KinesisVideoStream.Arn,
    outputArn: req.Output.KinesisDataStream.Arn,
    roleArn: req.RoleArn,
    collectionId: req.Settings.FaceSearch.CollectionId,
    ...(req.Settings.FaceSearch.FaceMatchThreshold !== undefined && {
      faceMatchThreshold: req.Settings.FaceSearch.FaceMatchThreshold,
    }),
    ...(req.Tags && { tags: req.Tags }),
    ...(req.NotificationChannel && { notificationTopicArn: req.NotificationChannel.SNSTopicArn }),
    ...(req.KmsKeyId && { kmsKeyId: req.KmsKeyId }),
    ...(req.RegionsOfInterest && { regionsOfInterest: toRoi(req.RegionsOfInterest) }),
    ...(req.DataSharingPreference && { dataSharingOptIn: req.DataSharingPreference.OptIn }),
  });
  return { StreamProcessorArn: r.arn };
});

export const StartStreamProcessor = operation(schemas.StartStreamProcessor, async (req, { container }) => {
  const r = await (await container.get('processors')).start(req.Name, req.StopSelector?.MaxDurationInSeconds);
  return { SessionId: r.sessionId };
});

export const StopStreamProcessor = operation(schemas.StopStreamProcessor, async (req, { container }) => {
  await (await container.get('processors')).stop(req.Name);
  return {};
});

export const DescribeStreamProcessor = operation(schemas.DescribeStreamProcessor, async (req, { container }) =>
  describeProcessor(await (await container.get('processors')).describe(req.Name)),
);

export const DeleteStreamProcessor = operation(schemas.DeleteStreamProcessor, async (req, { container }) => {
  await (await container.get('processors')).delete(req.Name);
  return {};
});

export const ListStreamProcessors = operation(schemas.ListStreamProcessors, async (req, { container }) => {
  const after = req.NextToken === undefined ? undefined : token.read(req.NextToken);
  const r = await (await container.get('processors')).list(after, req.MaxResults ?? 1000);
  const last = r.processors[r.processors.length - 1];
  return {
    StreamProcessors: r.processors.map((p) => ({ Name: p.name, Status: p.status })),
    ...(r.more && last && { NextToken: token.issue(last.name) }),
  };
});

export const UpdateStreamProcessor = operation(schemas.UpdateStreamProcessor, async (req, { container }) => {
  if (req.SettingsForUpdate?.ConnectedHomeForUpdate !== undefined)
    throw new FacegateError(
      'INVALID_PARAMETER',
      'ConnectedHome settings apply to connected-home processors only; this is a face search processor',
    );
  await (
    await container.get('processors')
  ).update(req.Name, {
    ...(req.RegionsOfInterestForUpdate && { regionsOfInterest: toRoi(req.RegionsOfInterestForUpdate) }),
    ...(req.DataSharingPreferenceForUpdate && { dataSharingOptIn: req.DataSharingPreferenceForUpdate.OptIn }),
    deleteRegionsOfInterest: req.ParametersToDelete?.includes('RegionsOfInterest') ?? false,
  });
  return {};
});
