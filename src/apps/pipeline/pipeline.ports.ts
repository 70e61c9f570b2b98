// What the pipeline's steps need from the rest of Facegate, and nothing more. The real adapters
// (faces.adapter.ts over the FaceEngine and the CollectionService; apps/sharp.thumbnailer.ts) and the tests' fakes
// implement these.
import type { Box, FaceAttributes, Pose, Quality } from '../../vision/vision.types.ts';

/** One face as DetectFaces with all attributes reports it. */
export interface FaceSummary {
  box: Box;
  /** 0–100. */
  confidence: number;
  pose: Pose;
  quality: Quality;
  attributes?: FaceAttributes;
}

export interface FaceMatchSummary {
  faceId: string;
  externalImageId?: string;
  /** 0–100. */
  similarity: number;
}

export interface PipelineFaces {
  /** Every face in the image, largest first, with attributes. Invalid images throw a 4xx FacegateError. */
  detect(image: Uint8Array): Promise<FaceSummary[]>;
  /** Matches of the image's largest face at or above `threshold`, best first; none when the collection is empty. */
  search(collectionId: string, image: Uint8Array, threshold: number, maxFaces: number): Promise<FaceMatchSummary[]>;
  /** Indexes the largest face (creating the collection when needed). */
  index(collectionId: string, image: Uint8Array, externalImageId: string): Promise<{ faceId: string; imageId: string }>;
  /** Faces already indexed under this ExternalImageId (the index step's idempotency check). */
  findByExternalImageId(collectionId: string, externalImageId: string): Promise<{ faceId: string; imageId: string }[]>;
}

export interface Thumbnailer {
  /** A size×size JPEG, centre-cropped ("cover"). */
  thumbnail(image: Uint8Array, size: number): Promise<Uint8Array>;
}
