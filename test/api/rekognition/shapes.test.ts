// The wire shapes, checked by the type checker against @aws-sdk/client-rekognition's own model types: each mapper's
// output must be assignable to the SDK's type (same member names, compatible value types). `npx tsc` fails if a
// mapper drifts; the runtime test pins that optional blocks appear only when asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ComparedFace,
  Face as SdkFace,
  FaceDetail as SdkFaceDetail,
  FaceMatch as SdkFaceMatch,
  Label as SdkLabel,
  ModerationLabel as SdkModerationLabel,
  UserMatch as SdkUserMatch,
  MatchedUser,
  DescribeStreamProcessorResponse,
  GetFaceLivenessSessionResultsResponse,
  AuditImage,
  CreateFaceLivenessSessionRequest,
} from '@aws-sdk/client-rekognition';
import { livenessResults } from '../../../src/api/rekognition/liveness.handlers.ts';
import { livenessSchemas } from '../../../src/api/rekognition/liveness.schemas.ts';
import type { z } from 'zod';
import { describeProcessor } from '../../../src/api/rekognition/stream.handlers.ts';
import {
  comparedFace,
  face,
  faceDetail,
  faceMatch,
  label,
  moderationLabel,
  selectAttributes,
  user,
  userMatch,
} from '../../../src/api/rekognition/rekognition.mappers.ts';
import { face as detected } from './stub.engine.ts';

type Mapped<F extends (...a: never[]) => unknown> = ReturnType<F>;
// Compile-time: assignability to the SDK model. Landmark/emotion/status names are string unions in the SDK.
const _checks: [
  Mapped<typeof faceDetail> extends SdkFaceDetail ? true : never,
  Mapped<typeof comparedFace> extends ComparedFace ? true : never,
  Mapped<typeof face> extends SdkFace ? true : never,
  Mapped<typeof faceMatch> extends SdkFaceMatch ? true : never,
  Mapped<typeof label> extends SdkLabel ? true : never,
  Mapped<typeof moderationLabel> extends SdkModerationLabel ? true : never,
  Mapped<typeof user> extends MatchedUser ? true : never,
  Mapped<typeof userMatch> extends SdkUserMatch ? true : never,
  // Timestamps are epoch seconds on the wire (the SDK turns them into Dates); the rest must match the model.
  Omit<Mapped<typeof describeProcessor>, 'CreationTimestamp' | 'LastUpdateTimestamp'> extends Omit<
    DescribeStreamProcessorResponse,
    'CreationTimestamp' | 'LastUpdateTimestamp'
  >
    ? true
    : never,
  // Liveness: Bytes is base64 on the wire (the SDK decodes it to a Uint8Array); every other member must match.
  Omit<Mapped<typeof livenessResults>, 'ReferenceImage' | 'AuditImages'> extends Omit<
    GetFaceLivenessSessionResultsResponse,
    'ReferenceImage' | 'AuditImages'
  >
    ? true
    : never,
  Omit<NonNullable<Mapped<typeof livenessResults>['ReferenceImage']>, 'Bytes'> extends Omit<AuditImage, 'Bytes'>
    ? true
    : never,
  // Every request member the SDK can send is modelled by the schema.
  keyof CreateFaceLivenessSessionRequest extends keyof z.input<typeof livenessSchemas.CreateFaceLivenessSession>
    ? true
    : never,
  keyof NonNullable<CreateFaceLivenessSessionRequest['Settings']> extends keyof NonNullable<
    z.input<typeof livenessSchemas.CreateFaceLivenessSession>['Settings']
  >
    ? true
    : never,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true];

test('FaceDetail carries attribute blocks only when they are selected and computed', () => {
  assert.ok(_checks.every(Boolean));
  const withAttributes = {
    ...detected(0.1, [1, 0, 0, 0]),
    attributes: {
      ageRange: { low: 20, high: 30 },
      gender: { value: 'Male' as const, confidence: 90 },
      emotions: [{ type: 'CALM' as const, confidence: 90 }],
      smile: { value: false, confidence: 90 },
      eyesOpen: { value: true, confidence: 90 },
      mouthOpen: { value: false, confidence: 90 },
      eyeglasses: { value: false, confidence: 90 },
      sunglasses: { value: false, confidence: 90 },
      beard: { value: false, confidence: 90 },
      mustache: { value: false, confidence: 90 },
      faceOccluded: { value: false, confidence: 90 },
      eyeDirection: { yaw: 0, pitch: 0, confidence: 90 },
    },
  };
  const plain = faceDetail(withAttributes) as SdkFaceDetail;
  assert.equal(plain.AgeRange, undefined);
  const all = faceDetail(withAttributes, selectAttributes(['ALL'])) as SdkFaceDetail;
  assert.deepEqual(all.AgeRange, { Low: 20, High: 30 });
  const some = faceDetail(withAttributes, selectAttributes(['DEFAULT', 'SMILE'])) as SdkFaceDetail;
  assert.deepEqual(some.Smile, { Value: false, Confidence: 90 });
  assert.equal(some.Gender, undefined);
  const none = faceDetail({ ...withAttributes, attributes: undefined }, selectAttributes(['ALL'])) as SdkFaceDetail;
  assert.equal(none.AgeRange, undefined, 'nothing is invented when the engine computed no attributes');
});
