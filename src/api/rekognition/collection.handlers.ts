// Collection and face operations: thin calls into the CollectionService, mapped to the wire shapes.
import { toImageInput } from './image.input.ts';
import {
  boundingBox,
  collectionDescription,
  face,
  faceDetail,
  faceMatch,
  selectAttributes,
} from './rekognition.mappers.ts';
import { schemas } from './rekognition.schemas.ts';
import { operation } from './operation.ts';

const page = (r: { MaxResults?: number; NextToken?: string }) => ({
  ...(r.MaxResults !== undefined ? { maxResults: r.MaxResults } : {}),
  ...(r.NextToken !== undefined ? { nextToken: r.NextToken } : {}),
});
const next = (token: string | undefined) => (token ? { NextToken: token } : {});

export const CreateCollection = operation(schemas.CreateCollection, async (req, { container }) => {
  const svc = await container.get('collections');
  const r = await svc.createCollection({ collectionId: req.CollectionId, ...(req.Tags ? { tags: req.Tags } : {}) });
  return { StatusCode: 200, CollectionArn: r.collectionArn, FaceModelVersion: r.faceModelVersion };
});

export const DeleteCollection = operation(schemas.DeleteCollection, async (req, { container }) => {
  const svc = await container.get('collections');
  await svc.deleteCollection(req.CollectionId);
  return { StatusCode: 200 };
});

export const ListCollections = operation(schemas.ListCollections, async (req, { container }) => {
  const svc = await container.get('collections');
  const r = await svc.listCollections(page(req));
  return { CollectionIds: r.collectionIds, FaceModelVersions: r.faceModelVersions, ...next(r.nextToken) };
});

export const DescribeCollection = operation(schemas.DescribeCollection, async (req, { container }) => {
  const svc = await container.get('collections');
  return collectionDescription(await svc.describeCollection(req.CollectionId));
});

export const IndexFaces = operation(schemas.IndexFaces, async (req, { container }) => {
  const svc = await container.get('collections');
  const sel = selectAttributes(req.DetectionAttributes);
  const r = await svc.indexFaces({
    collectionId: req.CollectionId,
    image: toImageInput(req.Image, container),
    ...(req.ExternalImageId !== undefined ? { externalImageId: req.ExternalImageId } : {}),
    ...(req.MaxFaces !== undefined ? { maxFaces: req.MaxFaces } : {}),
    ...(req.QualityFilter !== undefined ? { qualityFilter: req.QualityFilter } : {}),
    ...(req.DetectionAttributes !== undefined ? { detectionAttributes: req.DetectionAttributes } : {}),
  });
  return {
    FaceRecords: r.faceRecords.map((fr) => ({ Face: face(fr.face), FaceDetail: faceDetail(fr.faceDetail, sel) })),
    FaceModelVersion: r.faceModelVersion,
    UnindexedFaces: r.unindexedFaces.map((u) => ({ Reasons: u.reasons, FaceDetail: faceDetail(u.faceDetail, sel) })),
  };
});

export const ListFaces = operation(schemas.ListFaces, async (req, { container }) => {
  const svc = await container.get('collections');
  const r = await svc.listFaces({
    collectionId: req.CollectionId,
    ...page(req),
    ...(req.UserId !== undefined ? { userId: req.UserId } : {}),
    ...(req.FaceIds !== undefined ? { faceIds: req.FaceIds } : {}),
  });
  return { Faces: r.faces.map(face), ...next(r.nextToken), FaceModelVersion: r.faceModelVersion };
});

export const DeleteFaces = operation(schemas.DeleteFaces, async (req, { container }) => {
  const svc = await container.get('collections');
  const r = await svc.deleteFaces({ collectionId: req.CollectionId, faceIds: req.FaceIds });
  return {
    DeletedFaces: r.deletedFaces,
    UnsuccessfulFaceDeletions: r.unsuccessfulFaceDeletions.map((u) => ({
      FaceId: u.faceId,
      ...(u.userId !== undefined ? { UserId: u.userId } : {}),
      Reasons: u.reasons,
    })),
  };
});

export const SearchFaces = operation(schemas.SearchFaces, async (req, { container }) => {
  const svc = await container.get('collections');
  const r = await svc.searchFaces({
    collectionId: req.CollectionId,
    faceId: req.FaceId,
    ...(req.MaxFaces !== undefined ? { maxFaces: req.MaxFaces } : {}),
    ...(req.FaceMatchThreshold !== undefined ? { faceMatchThreshold: req.FaceMatchThreshold } : {}),
  });
  return {
    SearchedFaceId: r.searchedFaceId,
    FaceMatches: r.faceMatches.map(faceMatch),
    FaceModelVersion: r.faceModelVersion,
  };
});

export const SearchFacesByImage = operation(schemas.SearchFacesByImage, async (req, { container }) => {
  const svc = await container.get('collections');
  const r = await svc.searchFacesByImage({
    collectionId: req.CollectionId,
    image: toImageInput(req.Image, container),
    ...(req.MaxFaces !== undefined ? { maxFaces: req.MaxFaces } : {}),
    ...(req.FaceMatchThreshold !== undefined ? { faceMatchThreshold: req.FaceMatchThreshold } : {}),
    ...(req.QualityFilter !== undefined ? { qualityFilter: req.QualityFilter } : {}),
  });
  return {
    SearchedFaceBoundingBox: boundingBox(r.searchedFaceBoundingBox),
    SearchedFaceConfidence: r.searchedFaceConfidence,
    FaceMatches: r.faceMatches.map(faceMatch),
    FaceModelVersion: r.faceModelVersion,
  };
});
