// Camera decisions are biometric operations too (a face identified or not, with no API call behind it): this
// VisitSink writes one audit entry per visit, the camera as the actor. A failed write is logged, never thrown, so
// an audit outage cannot stop a camera (the API operations, by contrast, fail when their entry cannot be written).
import { createHash } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { Visit, VisitSink } from '../streams/visit.types.ts';
import { draftOf, type AuditRecorder } from './audit.scope.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export function auditVisitSink(audit: AuditRecorder, log: Logger): VisitSink {
  return {
    async visit(v: Visit) {
      const known = v.verdict.kind === 'known' ? v.verdict : undefined;
      const draft = draftOf(
        { api: 'system', operation: 'cameraVisit', actorKind: 'camera', actorId: v.cameraId, address: null },
        {
          collectionId: v.collectionId,
          decision: known ? 'known' : 'unknown',
          similarity: known ? known.similarity : v.verdict.kind === 'unknown' ? v.verdict.bestSimilarity : null,
          faceIds: [known?.faceId],
          externalImageIds: [known?.externalImageId],
          userIds: [known?.userId],
        },
        'ok',
        v.snapshots.map((s) => sha256(s.jpeg)),
      );
      await audit.record(draft).catch((e: unknown) => log.error({ err: e, visitId: v.id }, 'audit of a visit failed'));
    },
    async left() {},
  };
}
