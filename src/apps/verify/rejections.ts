// Negative feedback: "this match is wrong". A rejection stores the probe's face in a collection of its own
// (`<people collection>-rejections`, ExternalImageId = the person it was wrongly matched to), through the same
// collections service as every face, so it is durable on every storage driver. Identify and verify then search the
// probe there too: a match to a person is dropped when the probe is the same face as one rejected for that person
// (similarity ≥ SAME_FACE). Another photo of the same stranger far from the rejected one can still match; rejecting
// it too teaches that face as well.
import type { CollectionService } from '../../collections/collection.service.ts';
import { FacegateError } from '../../errors.ts';
import { OwnCollection } from '../ensure.collection.ts';

export type RejectionCollections = Pick<
  CollectionService,
  'createCollection' | 'describeCollection' | 'indexFaces' | 'searchFacesByImage' | 'deleteFaces' | 'listFaces'
>;

/** Similarity at which a probe counts as the rejected face again (FAR ≈ 1e-5 per pair on the default scale). */
export const SAME_FACE = 90;

export interface Rejection {
  rejectionId: string;
  personId: string;
}

export class RejectionStore {
  private readonly own: OwnCollection;

  constructor(
    private readonly collections: RejectionCollections,
    readonly collectionId: string,
  ) {
    this.own = new OwnCollection(collections, collectionId);
  }

  /** Stores the largest face of `image` as not being `personId`. */
  async reject(personId: string, image: Uint8Array): Promise<Rejection> {
    const r = await this.own.use(() =>
      this.collections.indexFaces({
        collectionId: this.collectionId,
        image: { bytes: image },
        externalImageId: personId,
        maxFaces: 1,
        qualityFilter: 'NONE',
      }),
    );
    const face = r.faceRecords[0]?.face;
    if (!face) throw new FacegateError('NO_FACE');
    return { rejectionId: face.faceId, personId };
  }

  /** The persons the probe's largest face was rejected for. Empty when there are no rejections or no face. */
  async rejectedFor(image: Uint8Array): Promise<Set<string>> {
    // Most deployments never reject anything: skip the second face analysis then.
    const { faceCount } = await this.own.use(() => this.collections.describeCollection(this.collectionId));
    if (faceCount === 0) return new Set();
    const r = await this.own.use(() =>
      this.collections.searchFacesByImage({
        collectionId: this.collectionId,
        image: { bytes: image },
        maxFaces: 100,
        faceMatchThreshold: SAME_FACE,
      }),
    );
    return new Set(r.faceMatches.map((m) => m.face.externalImageId).filter((id): id is string => !!id));
  }

  /** Forgets every rejection of a person (when the person is deleted). */
  async forget(personId: string): Promise<void> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const r = await this.own.use(() =>
        this.collections.listFaces({ collectionId: this.collectionId, maxResults: 4096, nextToken }),
      );
      ids.push(...r.faces.filter((f) => f.externalImageId === personId).map((f) => f.faceId));
      nextToken = r.nextToken;
      if (!nextToken) break;
    }
    if (ids.length) await this.collections.deleteFaces({ collectionId: this.collectionId, faceIds: ids });
  }
}
