// The dispatch table: X-Amz-Target `RekognitionService.<Operation>` → handler. One line per operation.
import { FacegateError } from '../../errors.ts';
import * as collections from './collection.handlers.ts';
import * as detect from './detect.handlers.ts';
import type { Operation } from './operation.ts';
import type { OperationName } from './rekognition.schemas.ts';
import * as users from './user.handlers.ts';
import * as streams from './stream.handlers.ts';
import * as liveness from './liveness.handlers.ts';

export const OPERATIONS: Record<OperationName, Operation> = {
  CreateCollection: collections.CreateCollection,
  DeleteCollection: collections.DeleteCollection,
  ListCollections: collections.ListCollections,
  DescribeCollection: collections.DescribeCollection,
  IndexFaces: collections.IndexFaces,
  ListFaces: collections.ListFaces,
  DeleteFaces: collections.DeleteFaces,
  SearchFaces: collections.SearchFaces,
  SearchFacesByImage: collections.SearchFacesByImage,
  CompareFaces: detect.CompareFaces,
  DetectFaces: detect.DetectFaces,
  DetectLabels: detect.DetectLabels,
  DetectModerationLabels: detect.DetectModerationLabels,
  CreateUser: users.CreateUser,
  DeleteUser: users.DeleteUser,
  ListUsers: users.ListUsers,
  AssociateFaces: users.AssociateFaces,
  DisassociateFaces: users.DisassociateFaces,
  SearchUsers: users.SearchUsers,
  SearchUsersByImage: users.SearchUsersByImage,
  CreateStreamProcessor: streams.CreateStreamProcessor,
  StartStreamProcessor: streams.StartStreamProcessor,
  StopStreamProcessor: streams.StopStreamProcessor,
  DescribeStreamProcessor: streams.DescribeStreamProcessor,
  ListStreamProcessors: streams.ListStreamProcessors,
  DeleteStreamProcessor: streams.DeleteStreamProcessor,
  UpdateStreamProcessor: streams.UpdateStreamProcessor,
  CreateFaceLivenessSession: liveness.CreateFaceLivenessSession,
  GetFaceLivenessSessionResults: liveness.GetFaceLivenessSessionResults,
};

/** Operations that decode an image and run models: the ones admission control bounds (vision/admission/). */
export const IMAGE_OPERATIONS: ReadonlySet<string> = new Set<OperationName>([
  'IndexFaces',
  'SearchFacesByImage',
  'CompareFaces',
  'DetectFaces',
  'DetectLabels',
  'DetectModerationLabels',
  'SearchUsersByImage',
]);

const PREFIX = 'RekognitionService.';

export function resolveOperation(target: string | undefined): { name: string; op: Operation } {
  if (!target) {
    throw new FacegateError(
      'UNKNOWN_OPERATION',
      'Missing X-Amz-Target header (expected RekognitionService.<Operation>)',
    );
  }
  const name = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : '';
  const op = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name as OperationName] : undefined;
  if (!op && !target.startsWith(PREFIX)) {
    throw new FacegateError('UNKNOWN_OPERATION', `X-Amz-Target ${target} is not ${PREFIX}<Operation>`);
  }
  // The operation alone: the SDKs put the service prefix in front of the message themselves.
  if (!op) throw new FacegateError('UNKNOWN_OPERATION', `Operation ${name} is not supported by this server`);
  return { name, op };
}
