// Which REST routes are biometric, and what their audit entry says, by operationId: one describer each, from the
// validated input and (on success) the response body. registerRoute wraps every listed route in one
// `audited(...)` call (rest.route.ts); other routes write nothing.
import type { AuditDetails, AuditRecorder } from '../../governance/audit.scope.ts';

type Json = Record<string, unknown>;
export type RestDescriber = (input: { params: Json; query: Json }, result: Json | undefined) => AuditDetails;

export interface RestAudit {
  recorder: () => Promise<AuditRecorder>;
  describers: Record<string, RestDescriber>;
}

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const outcome = (result: Json | undefined, text: string) => (result ? text : null);

/** Describers for the routes of the apps, given the collections each app uses. */
export function restAuditDescribers(c: {
  verify: string;
  proctor: string;
  uploads: string;
}): Record<string, RestDescriber> {
  const person =
    (decision: string): RestDescriber =>
    ({ params }, r) => ({
      collectionId: c.verify,
      personIds: [str(params.personId), str(r?.personId)],
      faceIds: arr(r?.photos).map((p) => str(p.faceId)),
      decision: outcome(r, decision),
    });
  return {
    registerPerson: person('registered'),
    addPhotos: person('photos added'),
    // Erasures name nobody: their entry must not re-identify the person whose other entries were just redacted.
    deletePerson: (_input, r) => ({ collectionId: c.verify, decision: outcome(r, 'erased') }),
    withdrawConsent: (_input, r) => ({ collectionId: c.verify, decision: outcome(r, 'consent withdrawn: erased') }),
    deletePhoto: person('photo deleted'),
    exportPerson: ({ params }, r) => ({
      collectionId: c.verify,
      personIds: [str(params.personId)],
      decision: outcome(r, 'exported'),
    }),
    // A liveness session linked to a person: the entry names them (and is redacted with their erasure).
    linkLivenessSession: ({ params }, r) => ({
      collectionId: c.verify,
      personIds: [str(r?.personId)],
      decision: outcome(r, `liveness session ${str(params.sessionId) ?? ''} linked`),
    }),
    putConsent: ({ params }, r) => ({
      collectionId: str(params.collectionId),
      externalImageIds: [str(params.subjectId)],
      decision: outcome(r, 'consent recorded'),
    }),
    verifyPerson: ({ params }, r) => ({
      collectionId: c.verify,
      personIds: [str(params.personId)],
      faceIds: [str(r?.matchedFaceId)],
      similarity: num(r?.similarity),
      decision: r ? (r.verified ? 'verified' : 'not verified') : null,
    }),
    identify: (_input, r) => {
      const matches = arr(r?.matches);
      return {
        collectionId: c.verify,
        personIds: matches.map((m) => str((m.person as Json | undefined)?.personId)),
        faceIds: matches.map((m) => str(m.faceId)),
        similarity: num(matches[0]?.similarity),
        decision: r ? (r.unknown ? 'unknown' : 'identified') : null,
      };
    },
    indexUpload: ({ params }, r) => ({
      collectionId: c.uploads,
      externalImageIds: [str(params.key)],
      faceIds: arr(r?.faces).map((f) => str(f.faceId)),
      decision: outcome(r, `indexed ${arr(r?.faces).length}`),
    }),
    deleteUpload: ({ params }, r) => ({
      collectionId: c.uploads,
      externalImageIds: [str(params.key)],
      decision: outcome(r, 'deleted'),
    }),
    searchUpload: (_input, r) => {
      const faces = arr(r?.faces);
      return {
        collectionId: c.uploads,
        faceIds: faces.map((f) => str((f.Face as Json | undefined)?.FaceId)),
        externalImageIds: arr(r?.matchedFaces).map(str),
        similarity: num(faces[0]?.Similarity),
        decision: r ? (faces.length ? 'matched' : 'no match') : null,
      };
    },
    indexCandidate: (_input, r) => ({
      collectionId: c.proctor,
      externalImageIds: [str(r?.ExternalImageId)],
      faceIds: [str(r?.faceId)],
      decision: outcome(r, 'indexed'),
    }),
    deleteCandidate: ({ params }, r) => ({
      collectionId: c.proctor,
      externalImageIds: [str(params.externalImageId)],
      decision: outcome(r, 'deleted'),
    }),
    processFrame: (_input, r) => {
      const checks = Array.isArray(r) ? (r as Json[]) : [];
      return {
        collectionId: c.proctor,
        decision: r ? `${checks.filter((x) => x.Success === true).length}/${checks.length} checks passed` : null,
      };
    },
    // The door: approving a stranger registers their face; denial and deletion decide about a person.
    approveDoorVisitor: ({ params }, r) => ({
      collectionId: str(params.doorId),
      externalImageIds: [str(r?.visitorId)],
      decision: outcome(r, 'approved: face registered'),
    }),
    denyDoorVisitor: ({ params }, r) => ({ collectionId: str(params.doorId), decision: outcome(r, 'denied') }),
    // An erasure: names nobody (as deletePerson).
    deleteDoorVisitor: ({ params }, r) => ({
      collectionId: str(params.doorId),
      decision: outcome(r, 'visitor erased'),
    }),
    exportDoorVisitor: ({ params }, r) => ({
      collectionId: str(params.doorId),
      externalImageIds: [str(params.visitorId)],
      decision: outcome(r, 'exported'),
    }),
    uploadToPipeline: ({ params, query }, r) => ({
      collectionId: str(params.name),
      externalImageIds: [str(query.userId)],
      decision: outcome(r, `run ${str(r?.runId) ?? ''} ${str(r?.state) ?? ''}`.trim()),
    }),
  };
}
