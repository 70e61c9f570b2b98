// Domain types of collections, faces and users: the Rekognition model in camelCase. The Rekognition adapter maps
// them to PascalCase wire shapes; the REST API (G/F) uses them as they are. Geometry is in ratios of the image size,
// similarities and confidences are percentages in [0, 100], timestamps are Dates.
import type { Box, DetectedFace } from '../vision/vision.types.ts';

/** An image given inline or by reference to an object in the ObjectStore (Rekognition's Image.S3Object). */
export type ImageInput = { bytes: Uint8Array } | { s3Object: { bucket: string; name: string; version?: string } };

export type QualityFilter = 'NONE' | 'AUTO' | 'LOW' | 'MEDIUM' | 'HIGH';

/** Why IndexFaces left a detected face out (Rekognition's Reason enum). */
export type UnindexedReason =
  | 'EXCEEDS_MAX_FACES'
  | 'EXTREME_POSE'
  | 'LOW_BRIGHTNESS'
  | 'LOW_SHARPNESS'
  | 'LOW_CONFIDENCE'
  | 'SMALL_BOUNDING_BOX'
  | 'LOW_FACE_QUALITY';

/** SearchUsersByImage's reasons: the quality reasons plus "not the largest face". */
export type UnsearchedReason = UnindexedReason | 'FACE_NOT_LARGEST';

export type UserStatus = 'ACTIVE' | 'UPDATING' | 'CREATING' | 'CREATED';

export interface Collection {
  collectionId: string;
  /** ARN-like identifier: `aws:rekognition:<region>:<account>:collection/<id>`. */
  collectionArn: string;
  /** The descriptor model every face of this collection was indexed with. */
  faceModelVersion: string;
  createdAt: Date;
  faceCount: number;
  userCount: number;
}

/** Rekognition's Face. */
export interface Face {
  faceId: string;
  imageId: string;
  externalImageId?: string;
  box: Box;
  /** Detector confidence, 0–100. */
  confidence: number;
  indexFacesModelVersion: string;
  userId?: string;
}

/** A face as the detector saw it (FaceDetail); never carries the descriptor. */
export type FaceDetail = Omit<DetectedFace, 'descriptor'>;

export interface Page {
  maxResults?: number;
  nextToken?: string;
}

export interface CreateCollectionRequest {
  collectionId: string;
  tags?: Record<string, string>;
}
export interface CreateCollectionResult {
  collectionArn: string;
  faceModelVersion: string;
}

export interface ListCollectionsResult {
  collectionIds: string[];
  /** Parallel to collectionIds. */
  faceModelVersions: string[];
  nextToken?: string;
}

export interface IndexFacesRequest {
  collectionId: string;
  image: ImageInput;
  externalImageId?: string;
  /** 1–100; faces beyond it (smallest first) are reported with EXCEEDS_MAX_FACES. */
  maxFaces?: number;
  qualityFilter?: QualityFilter;
  /** DEFAULT or ALL (ALL asks the engine for attributes). */
  detectionAttributes?: string[];
}
export interface IndexFacesResult {
  /** Largest first. */
  faceRecords: { face: Face; faceDetail: FaceDetail }[];
  unindexedFaces: { reasons: UnindexedReason[]; faceDetail: FaceDetail }[];
  faceModelVersion: string;
}

export interface ListFacesRequest extends Page {
  collectionId: string;
  userId?: string;
  faceIds?: string[];
}
export interface ListFacesResult {
  faces: Face[];
  nextToken?: string;
  faceModelVersion: string;
}

export interface DeleteFacesResult {
  deletedFaces: string[];
  unsuccessfulFaceDeletions: {
    faceId: string;
    userId?: string;
    reasons: ('ASSOCIATED_TO_AN_EXISTING_USER' | 'FACE_NOT_FOUND')[];
  }[];
}

export interface FaceMatch {
  /** Calibrated similarity, 0–100. */
  similarity: number;
  face: Face;
}

export interface SearchFacesRequest {
  collectionId: string;
  faceId: string;
  /** 1–4096. */
  maxFaces?: number;
  /** 0–100, default 80. */
  faceMatchThreshold?: number;
}
export interface SearchFacesResult {
  searchedFaceId: string;
  /** Best first; ties by face id. */
  faceMatches: FaceMatch[];
  faceModelVersion: string;
}

export interface SearchFacesByImageRequest {
  collectionId: string;
  image: ImageInput;
  maxFaces?: number;
  faceMatchThreshold?: number;
  /** Default NONE. A largest face that fails the filter gives NO_FACE. */
  qualityFilter?: QualityFilter;
}
export interface SearchFacesByImageResult {
  searchedFaceBoundingBox: Box;
  searchedFaceConfidence: number;
  faceMatches: FaceMatch[];
  faceModelVersion: string;
}

export interface UserRequest {
  collectionId: string;
  userId: string;
  /** Idempotency: the same token with the same parameters gives the same answer. */
  clientRequestToken?: string;
}

export interface User {
  userId: string;
  userStatus: UserStatus;
}

export interface ListUsersResult {
  users: User[];
  nextToken?: string;
}

export interface AssociateFacesRequest extends UserRequest {
  faceIds: string[];
  /** 0–100, default 75: each new face must match the user's existing faces at least this well. */
  userMatchThreshold?: number;
}
export interface AssociateFacesResult {
  associatedFaces: { faceId: string }[];
  unsuccessfulFaceAssociations: {
    faceId: string;
    userId?: string;
    confidence?: number;
    reasons: ('FACE_NOT_FOUND' | 'ASSOCIATED_TO_A_DIFFERENT_USER' | 'LOW_MATCH_CONFIDENCE')[];
  }[];
  userStatus: UserStatus;
}

export interface DisassociateFacesRequest extends UserRequest {
  faceIds: string[];
}
export interface DisassociateFacesResult {
  disassociatedFaces: { faceId: string }[];
  unsuccessfulFaceDisassociations: {
    faceId: string;
    userId?: string;
    reasons: ('FACE_NOT_FOUND' | 'ASSOCIATED_TO_A_DIFFERENT_USER')[];
  }[];
  userStatus: UserStatus;
}

export interface UserMatch {
  /** Best similarity over the user's faces, 0–100. */
  similarity: number;
  user: User;
}

/** Exactly one of userId / faceId. */
export interface SearchUsersRequest {
  collectionId: string;
  userId?: string;
  faceId?: string;
  /** 0–100, default 80. */
  userMatchThreshold?: number;
  /** 1–500, default 100. */
  maxUsers?: number;
}
export interface SearchUsersResult {
  userMatches: UserMatch[];
  faceModelVersion: string;
  searchedFace?: { faceId: string };
  searchedUser?: { userId: string };
}

export interface SearchUsersByImageRequest {
  collectionId: string;
  image: ImageInput;
  userMatchThreshold?: number;
  maxUsers?: number;
  /** Default NONE. */
  qualityFilter?: QualityFilter;
}
export interface SearchUsersByImageResult {
  /** Empty (not an error) when the image has no usable face. */
  userMatches: UserMatch[];
  faceModelVersion: string;
  searchedFace?: { faceDetail: FaceDetail };
  unsearchedFaces: { faceDetail: FaceDetail; reasons: UnsearchedReason[] }[];
}
