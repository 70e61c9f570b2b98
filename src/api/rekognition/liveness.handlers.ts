// Face Liveness operations: thin calls into the LivenessService (src/liveness), mapped to the wire. Frames are not
// part of the Rekognition API (AWS streams them over its own protocol): the /liveness page posts them to Facegate.
import type { SessionImage, SessionResults } from '../../liveness/liveness.service.ts';
import { operation } from './operation.ts';
import { livenessSchemas as schemas } from './liveness.schemas.ts';

const auditImage = (i: SessionImage) => ({
  ...(i.bytes && { Bytes: Buffer.from(i.bytes).toString('base64') }),
  ...(i.object && { S3Object: { Bucket: i.object.bucket, Name: i.object.name } }),
  BoundingBox: { Width: i.box.width, Height: i.box.height, Left: i.box.left, Top: i.box.top },
});

export function livenessResults(r: SessionResults) {
  return {
    SessionId: r.sessionId,
    Status: r.status,
    ...(r.confidence !== undefined && { Confidence: r.confidence }),
    ...(r.referenceImage && { ReferenceImage: auditImage(r.referenceImage) }),
    ...(r.auditImages && { AuditImages: r.auditImages.map(auditImage) }),
    ...((r.status === 'SUCCEEDED' || r.status === 'FAILED') && {
      Challenge: { Type: 'FaceMovementChallenge' as const, Version: '1.0.0' },
    }),
  };
}

// The protocol names no person: these sessions are unlinked (outside a person's export and erasure, deleted after an
// hour) until an application links one through REST (PUT /v1/liveness/sessions/{id}/subject).
export const CreateFaceLivenessSession = operation(schemas.CreateFaceLivenessSession, async (req, ctx) => {
  const svc = await ctx.container.get('liveness');
  const out = req.Settings?.OutputConfig;
  const SessionId = await svc.create({
    creator: ctx.caller ?? 'anonymous',
    ...(req.Settings?.AuditImagesLimit !== undefined && { auditImagesLimit: req.Settings.AuditImagesLimit }),
    ...(out && {
      output: { bucket: out.S3Bucket, ...(out.S3KeyPrefix !== undefined && { keyPrefix: out.S3KeyPrefix }) },
    }),
    ...(req.ClientRequestToken && { clientRequestToken: req.ClientRequestToken }),
  });
  return { SessionId };
});

export const GetFaceLivenessSessionResults = operation(
  schemas.GetFaceLivenessSessionResults,
  async (req, { container }) => livenessResults(await (await container.get('liveness')).results(req.SessionId)),
);
