// SearchUsers (by FaceId or UserId) and SearchUsersByImage.
import { FacegateError } from '../errors.ts';
import { check, schemas } from './collection.schemas.ts';
import type {
  SearchUsersByImageRequest,
  SearchUsersByImageResult,
  SearchUsersRequest,
  SearchUsersResult,
} from './collection.types.ts';
import { qualityReasons } from './quality.filter.ts';
import { areaPx, imageBytes, requireCollection, requireSameModel, toDetail, type Ctx } from './service.context.ts';
import { matchUsers } from './user.ops.ts';

export async function searchUsers(ctx: Ctx, input: SearchUsersRequest): Promise<SearchUsersResult> {
  const req = check(schemas.searchUsers, input);
  const c = await requireCollection(ctx, req.collectionId);
  const opts = {
    ...(req.maxUsers !== undefined && { maxUsers: req.maxUsers }),
    ...(req.userMatchThreshold !== undefined && { threshold: req.userMatchThreshold }),
  };
  if (req.faceId !== undefined) {
    const [face] = await ctx.metadata.getFaces(c.id, [req.faceId]);
    if (!face) throw new FacegateError('INVALID_PARAMETER', `Face ${req.faceId} is not in collection ${c.id}`);
    return {
      userMatches: await matchUsers(ctx, c.id, [face.descriptor], opts),
      faceModelVersion: c.faceModelVersion,
      searchedFace: { faceId: face.id },
    };
  }
  const userId = req.userId!;
  if (!(await ctx.metadata.getUser(c.id, userId))) throw new FacegateError('NOT_FOUND', `User ${userId} not found`);
  const faceIds = [...(await ctx.metadata.userFaces(c.id))].filter(([, u]) => u === userId).map(([f]) => f);
  const faces = await ctx.metadata.getFaces(c.id, faceIds);
  return {
    // The other users closest to any of this user's faces.
    userMatches: await matchUsers(
      ctx,
      c.id,
      faces.map((f) => f.descriptor),
      { ...opts, excludeUser: userId },
    ),
    faceModelVersion: c.faceModelVersion,
    searchedUser: { userId },
  };
}

export async function searchUsersByImage(
  ctx: Ctx,
  input: SearchUsersByImageRequest,
): Promise<SearchUsersByImageResult> {
  const req = check(schemas.searchUsersByImage, input);
  const c = await requireCollection(ctx, req.collectionId);
  requireSameModel(ctx, c);
  const { bytes, source } = await imageBytes(ctx, req.image);
  const analysis = await ctx.engine.analyze(bytes, { descriptors: true, source });
  const [largest, ...others] = [...analysis.faces].sort((a, b) => areaPx(b) - areaPx(a));
  const result: SearchUsersByImageResult = {
    userMatches: [],
    faceModelVersion: c.faceModelVersion,
    unsearchedFaces: others.map((f) => ({ faceDetail: toDetail(f), reasons: ['FACE_NOT_LARGEST'] })),
  };
  if (!largest) return result; // no face: an empty answer, not an error (unlike SearchFacesByImage)
  const reasons = qualityReasons(largest, req.qualityFilter ?? 'NONE');
  if (reasons.length || !largest.descriptor) {
    result.unsearchedFaces.unshift({
      faceDetail: toDetail(largest),
      reasons: reasons.length ? reasons : ['LOW_FACE_QUALITY'],
    });
    return result;
  }
  result.searchedFace = { faceDetail: toDetail(largest) };
  result.userMatches = await matchUsers(ctx, c.id, [largest.descriptor], {
    ...(req.maxUsers !== undefined && { maxUsers: req.maxUsers }),
    ...(req.userMatchThreshold !== undefined && { threshold: req.userMatchThreshold }),
  });
  return result;
}
