// What a camera asks of vision and collections, as one small port, so the runtime is tested without models.
// The driver below adapts the FaceEngine (detect + descriptors on its working copy, long side ≤ vision.maxSide) and
// CollectionService.searchByDescriptor.
import type { CollectionService } from '../collections/collection.service.ts';
import type { Box, FaceEngine } from '../vision/vision.types.ts';
import type { Match } from './tracking/track.decision.ts';

export interface AnalysedFace {
  box: Box;
  /** 0–100. */
  confidence: number;
  /** 0–100. */
  sharpness: number;
  descriptor: Float32Array;
}

export interface FrameAnalyser {
  /** Faces in a JPEG frame (largest first), each with its descriptor. Throws FacegateError for a bad image. */
  faces(jpeg: Buffer): Promise<{ width: number; height: number; faces: AnalysedFace[] }>;
  /** Best matches of a descriptor in a collection, best first, similarity ≥ minSimilarity. */
  search(collectionId: string, descriptor: Float32Array, maxFaces: number, minSimilarity: number): Promise<Match[]>;
  similarity(a: Float32Array, b: Float32Array): number;
}

export function engineAnalyser(engine: FaceEngine, collections: CollectionService): FrameAnalyser {
  return {
    async faces(jpeg) {
      const a = await engine.analyze(jpeg, { descriptors: true });
      return {
        width: a.image.width,
        height: a.image.height,
        faces: a.faces
          .filter((f) => f.descriptor !== undefined)
          .map((f) => ({
            box: f.box,
            confidence: f.confidence,
            sharpness: f.quality.sharpness,
            descriptor: f.descriptor!,
          })),
      };
    },
    async search(collectionId, descriptor, maxFaces, minSimilarity) {
      const matches = await collections.searchByDescriptor({
        collectionId,
        descriptor,
        maxFaces,
        faceMatchThreshold: minSimilarity,
      });
      return matches.map((m) => ({
        faceId: m.face.faceId,
        userId: m.face.userId ?? null,
        externalImageId: m.face.externalImageId ?? null,
        similarity: m.similarity,
      }));
    },
    similarity: (a, b) => engine.similarity(a, b),
  };
}
