// User operations (CreateUser … SearchUsersByImage): thin calls into the CollectionService.
import { toImageInput } from './image.input.ts';
import { faceDetail, user, userMatch } from './rekognition.mappers.ts';
import { schemas } from './rekognition.schemas.ts';
import { operation } from './operation.ts';

const token = (t: string | undefined) => (t !== undefined ? { clientRequestToken: t } : {});

export const CreateUser = operation(schemas.CreateUser, async (req, { container }) => {
  const svc = await container.get('collections');
  await svc.createUser({ collectionId: req.CollectionId, userId: req.UserId, ...token(req.ClientRequestToken) });
  return {};
});

export const DeleteUser = operation(schemas.DeleteUser, async (req, { container }) => {
  const svc = await container.get('collections');
  await svc.deleteUser({ collectionId: req.CollectionId, userId: req.UserId, ...token(req.ClientRequestToken) });
  return {};
});

export const ListUsers = operation(schemas.ListUsers, async (req, { container }) => {
  const svc = await container.get('collections');
  const r = await svc.listUsers({
    collectionId: req.CollectionId,
    ...(req.MaxResults !== undefined ? { maxResults: req.MaxResults } : {}),
    ...(req.NextToken !== undefined ? { nextToken: req.NextToken } : {}),
  });
  return { Users: r.users.map(user), ...(r.nextToken ? { NextToken: r.nextToken } : {}) };
});

export const AssociateFaces = operation(schemas.AssociateFaces, async (req, { container }) => {
  const svc = await container.get('collections');
  const r = await svc.associateFaces({
    collectionId: req.CollectionId,
    userId: req.UserId,
    faceIds: req.FaceIds,
    ...(req.UserMatchThreshold !== undefined ? { userMatchThreshold: req.UserMatchThreshold } : {}),
    ...token(req.ClientRequestToken),
  });
  return {
    AssociatedFaces: r.associatedFaces.map((f) => ({ FaceId: f.faceId })),
    UnsuccessfulFaceAssociations: r.unsuccessfulFaceAssociations.map((u) => ({
      FaceId: u.faceId,
      ...(u.userId !== undefined ? { UserId: u.userId } : {}),
      ...(u.confidence !== undefined ? { Confidence: u.confidence } : {}),
      Reasons: u.reasons,
    })),
    UserStatus: r.userStatus,
  };
});

export const DisassociateFaces = operation(schemas.DisassociateFaces, async (req, { container }) => {
  const svc = await container.get('collections');
  const r = await svc.disassociateFaces({
    collectionId: req.CollectionId,
    userId: req.UserId,
    faceIds: req.FaceIds,
    ...token(req.ClientRequestToken),
  });
  return {
    DisassociatedFaces: r.disassociatedFaces.map((f) => ({ FaceId: f.faceId })),
    UnsuccessfulFaceDisassociations: r.unsuccessfulFaceDisassociations.map((u) => ({
      FaceId: u.faceId,
      ...(u.userId !== undefined ? { UserId: u.userId } : {}),
      Reasons: u.reasons,
    })),
    UserStatus: r.userStatus,
  };
});

export const SearchUsers = operation(schemas.SearchUsers, async (req, { container }) => {
  const svc = await container.get('collections');
  const r = await svc.searchUsers({
    collectionId: req.CollectionId,
    ...(req.UserId !== undefined ? { userId: req.UserId } : {}),
    ...(req.FaceId !== undefined ? { faceId: req.FaceId } : {}),
    ...(req.UserMatchThreshold !== undefined ? { userMatchThreshold: req.UserMatchThreshold } : {}),
    ...(req.MaxUsers !== undefined ? { maxUsers: req.MaxUsers } : {}),
  });
  return {
    UserMatches: r.userMatches.map(userMatch),
    FaceModelVersion: r.faceModelVersion,
    ...(r.searchedFace ? { SearchedFace: { FaceId: r.searchedFace.faceId } } : {}),
    ...(r.searchedUser ? { SearchedUser: { UserId: r.searchedUser.userId } } : {}),
  };
});

export const SearchUsersByImage = operation(schemas.SearchUsersByImage, async (req, { container }) => {
  const svc = await container.get('collections');
  const r = await svc.searchUsersByImage({
    collectionId: req.CollectionId,
    image: toImageInput(req.Image, container),
    ...(req.UserMatchThreshold !== undefined ? { userMatchThreshold: req.UserMatchThreshold } : {}),
    ...(req.MaxUsers !== undefined ? { maxUsers: req.MaxUsers } : {}),
    ...(req.QualityFilter !== undefined ? { qualityFilter: req.QualityFilter } : {}),
  });
  return {
    UserMatches: r.userMatches.map(userMatch),
    FaceModelVersion: r.faceModelVersion,
    ...(r.searchedFace ? { SearchedFace: { FaceDetail: faceDetail(r.searchedFace.faceDetail) } } : {}),
    // The model names this member FaceDetails (plural) on UnsearchedFace, unlike SearchedFace's FaceDetail.
    UnsearchedFaces: r.unsearchedFaces.map((u) => ({ FaceDetails: faceDetail(u.faceDetail), Reasons: u.reasons })),
  };
});
