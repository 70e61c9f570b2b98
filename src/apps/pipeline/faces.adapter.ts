// PipelineFaces over the FaceEngine (DetectFaces with all attributes) and the CollectionService (search, index).
// The pipeline's collection is created on first use.
import type { CollectionService } from '../../collections/collection.service.ts';
import { isFacegateError } from '../../errors.ts';
import type { FaceEngine } from '../../vision/vision.types.ts';
import type { FaceMatchSummary, FaceSummary, PipelineFaces } from './pipeline.ports.ts';

const notFound = (e: unknown): boolean => isFacegateError(e) && e.code === 'NOT_FOUND';

export interface EnginePipelineFacesDeps {
  /** Getters, so the pipeline can start (and list runs) while the models are still loading. */
  engine: () => Promise<FaceEngine>;
  collections: () => Promise<CollectionService>;
}

export class EnginePipelineFaces implements PipelineFaces {
  constructor(private readonly deps: EnginePipelineFacesDeps) {}

  async detect(image: Uint8Array): Promise<FaceSummary[]> {
    const analysis = await (await this.deps.engine()).analyze(image, { attributes: true, source: 'object' });
    return analysis.faces.map((f) => ({
      box: f.box,
      confidence: f.confidence,
      pose: f.pose,
      quality: f.quality,
      ...(f.attributes ? { attributes: f.attributes } : {}),
    }));
  }

  async search(
    collectionId: string,
    image: Uint8Array,
    threshold: number,
    maxFaces: number,
  ): Promise<FaceMatchSummary[]> {
    try {
      const r = await (
        await this.deps.collections()
      ).searchFacesByImage({
        collectionId,
        image: { bytes: image },
        faceMatchThreshold: threshold,
        maxFaces,
      });
      return r.faceMatches.map((m) => ({
        faceId: m.face.faceId,
        similarity: m.similarity,
        ...(m.face.externalImageId ? { externalImageId: m.face.externalImageId } : {}),
      }));
    } catch (e) {
      if (notFound(e)) return []; // no collection yet: nobody to match
      throw e;
    }
  }

  async index(
    collectionId: string,
    image: Uint8Array,
    externalImageId: string,
  ): Promise<{ faceId: string; imageId: string }> {
    const req = { collectionId, image: { bytes: image }, externalImageId, maxFaces: 1, qualityFilter: 'NONE' as const };
    const collections = await this.deps.collections();
    let r;
    try {
      r = await collections.indexFaces(req);
    } catch (e) {
      if (!notFound(e)) throw e;
      await this.ensureCollection(collections, collectionId);
      r = await collections.indexFaces(req);
    }
    const face = r.faceRecords[0]?.face;
    if (!face)
      throw new Error(
        `IndexFaces indexed no face (unindexed: ${JSON.stringify(r.unindexedFaces.map((u) => u.reasons))})`,
      );
    return { faceId: face.faceId, imageId: face.imageId };
  }

  async findByExternalImageId(
    collectionId: string,
    externalImageId: string,
  ): Promise<{ faceId: string; imageId: string }[]> {
    const out: { faceId: string; imageId: string }[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await (await this.deps.collections()).listFaces({ collectionId, maxResults: 4096, nextToken });
        for (const f of page.faces)
          if (f.externalImageId === externalImageId) out.push({ faceId: f.faceId, imageId: f.imageId });
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (e) {
      if (notFound(e)) return [];
      throw e;
    }
    return out;
  }

  private async ensureCollection(collections: CollectionService, collectionId: string): Promise<void> {
    try {
      await collections.createCollection({ collectionId });
    } catch (e) {
      // Another run created it meanwhile.
      if (!(isFacegateError(e) && e.code === 'ALREADY_EXISTS')) throw e;
    }
  }
}
