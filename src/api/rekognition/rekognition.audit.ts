// Which Rekognition operations are biometric, and what their audit entry says: one describer per operation, from
// the validated request and (on success) the wire response. The plugin wraps every listed operation in one
// `audited(...)` call; operations not listed (collection listing, labels, moderation) are not biometric and write
// nothing.
import type { AuditDetails } from '../../governance/audit.scope.ts';
import type { OperationName } from './rekognition.schemas.ts';

type Wire = Record<string, unknown>;
type Describer = (req: Wire, res: Wire | undefined) => AuditDetails;

const arr = (v: unknown): Wire[] => (Array.isArray(v) ? (v as Wire[]) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const face = (m: Wire): Wire => (m.Face ?? {}) as Wire;
const best = (matches: Wire[]): number | null => {
  const s = matches.map((m) => m.Similarity).filter((x): x is number => typeof x === 'number');
  return s.length ? Math.max(...s) : null;
};
const matchedOr = (matches: Wire[], res: Wire | undefined) => (res ? (matches.length ? 'matched' : 'no-match') : null);

function faceSearch(req: Wire, res: Wire | undefined): AuditDetails {
  const matches = arr(res?.FaceMatches);
  return {
    collectionId: str(req.CollectionId),
    faceIds: [str(req.FaceId), ...matches.map((m) => str(face(m).FaceId))],
    externalImageIds: matches.map((m) => str(face(m).ExternalImageId)),
    userIds: matches.map((m) => str(face(m).UserId)),
    similarity: best(matches),
    decision: matchedOr(matches, res),
  };
}

function userSearch(req: Wire, res: Wire | undefined): AuditDetails {
  const matches = arr(res?.UserMatches);
  return {
    collectionId: str(req.CollectionId),
    faceIds: [str(req.FaceId)],
    userIds: [str(req.UserId), ...matches.map((m) => str(((m.User ?? {}) as Wire).UserId))],
    similarity: best(matches),
    decision: matchedOr(matches, res),
  };
}

export const AUDITED_OPERATIONS: Partial<Record<OperationName, Describer>> = {
  IndexFaces: (req, res) => {
    const records = arr(res?.FaceRecords).map(face);
    return {
      collectionId: str(req.CollectionId),
      faceIds: records.map((f) => str(f.FaceId)),
      externalImageIds: [str(req.ExternalImageId)],
      decision: res ? `indexed ${records.length}, unindexed ${arr(res.UnindexedFaces).length}` : null,
    };
  },
  SearchFaces: faceSearch,
  SearchFacesByImage: faceSearch,
  SearchUsers: userSearch,
  SearchUsersByImage: userSearch,
  CompareFaces: (req, res) => {
    const matches = arr(res?.FaceMatches);
    return { similarity: best(matches), decision: matchedOr(matches, res) };
  },
  DetectFaces: (_req, res) => ({ decision: res ? `${arr(res.FaceDetails).length} faces` : null }),
  // A liveness verdict is a biometric decision about a face (the page's frames are judged by the engine).
  GetFaceLivenessSessionResults: (_req, res) => ({
    decision: res
      ? `${str(res.Status) ?? ''} ${typeof res.Confidence === 'number' ? res.Confidence : ''}`.trim()
      : null,
  }),
  DeleteFaces: (req, res) => ({
    collectionId: str(req.CollectionId),
    faceIds: arr(req.FaceIds as unknown).map(String),
    decision: res ? `deleted ${arr(res.DeletedFaces).length}` : null,
  }),
  DeleteCollection: (req, res) => ({ collectionId: str(req.CollectionId), decision: res ? 'deleted' : null }),
  DeleteUser: (req, res) => ({
    collectionId: str(req.CollectionId),
    userIds: [str(req.UserId)],
    decision: res ? 'deleted' : null,
  }),
  AssociateFaces: (req, res) => ({
    collectionId: str(req.CollectionId),
    userIds: [str(req.UserId)],
    faceIds: arr(req.FaceIds as unknown).map(String),
    decision: res ? `associated ${arr(res.AssociatedFaces).length}` : null,
  }),
  DisassociateFaces: (req, res) => ({
    collectionId: str(req.CollectionId),
    userIds: [str(req.UserId)],
    faceIds: arr(req.FaceIds as unknown).map(String),
    decision: res ? `disassociated ${arr(res.DisassociatedFaces).length}` : null,
  }),
};
