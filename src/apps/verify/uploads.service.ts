// Index and search by upload (FullStackWithLawrence/aws-rekognition): PUT an image under a key — it is stored as
// an object and every face in it indexed with ExternalImageId = key — then POST an image to search: the raw face
// matches and the distinct keys ("names") they belong to. Re-uploading a key replaces its faces.
import { FacegateError } from '../../errors.ts';
import type { FaceMatch } from '../../collections/collection.types.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import type { Box } from '../../vision/vision.types.ts';
import { OwnCollection } from '../ensure.collection.ts';
import type { VerifyCollections } from './verify.service.ts';

export interface UploadsDeps {
  collections: VerifyCollections;
  objects: ObjectStore;
  collectionId: string;
  bucket: string;
  /** Default FaceMatchThreshold, 0–100. */
  threshold: number;
  /** False for a descriptor-only collection (governance.descriptorOnly): the image itself is never stored. */
  keepImages?: boolean;
}

export interface IndexedUpload {
  key: string;
  faces: { faceId: string; box: Box; confidence: number }[];
  /** Faces seen but not indexed (quality filter), with reasons. */
  unindexed: { box: Box; reasons: string[] }[];
}

export interface UploadSearch {
  searchedFace: { box: Box; confidence: number };
  faceMatches: FaceMatch[];
  /** Distinct keys of the matched faces, best first. */
  matchedFaces: string[];
}

/** Same alphabet as Rekognition's ExternalImageId, so a key is usable as one. */
export const UPLOAD_KEY = /^[a-zA-Z0-9_.\-:]{1,255}$/;
const facesKey = (key: string) => `${key}.faces.json`;

export class UploadsService {
  private readonly own: OwnCollection;

  constructor(private readonly deps: UploadsDeps) {
    this.own = new OwnCollection(deps.collections, deps.collectionId);
  }

  get collectionId(): string {
    return this.deps.collectionId;
  }

  async index(key: string, image: Uint8Array): Promise<IndexedUpload> {
    if (!UPLOAD_KEY.test(key))
      throw new FacegateError('INVALID_PARAMETER', 'The key must match [a-zA-Z0-9_.\\-:]{1,255}');
    const r = await this.own.use(() =>
      this.deps.collections.indexFaces({
        collectionId: this.deps.collectionId,
        image: { bytes: image },
        externalImageId: key,
        maxFaces: 100,
        qualityFilter: 'AUTO',
      }),
    );
    const previous = await this.faceIdsOf(key);
    const faces = r.faceRecords.map((f) => ({ faceId: f.face.faceId, box: f.face.box, confidence: f.face.confidence }));
    if (this.deps.keepImages !== false) await this.deps.objects.put(this.deps.bucket, key, image);
    await this.deps.objects.put(
      this.deps.bucket,
      facesKey(key),
      Buffer.from(JSON.stringify(faces.map((f) => f.faceId))),
    );
    if (previous.length) await this.dropFaces(previous);
    return { key, faces, unindexed: r.unindexedFaces.map((u) => ({ box: u.faceDetail.box, reasons: u.reasons })) };
  }

  async search(image: Uint8Array, o: { threshold?: number; maxFaces?: number } = {}): Promise<UploadSearch> {
    const r = await this.own.use(() =>
      this.deps.collections.searchFacesByImage({
        collectionId: this.deps.collectionId,
        image: { bytes: image },
        maxFaces: o.maxFaces ?? 10,
        faceMatchThreshold: o.threshold ?? this.deps.threshold,
      }),
    );
    const names = r.faceMatches.flatMap((m) => (m.face.externalImageId ? [m.face.externalImageId] : []));
    return {
      searchedFace: { box: r.searchedFaceBoundingBox, confidence: r.searchedFaceConfidence },
      faceMatches: r.faceMatches,
      matchedFaces: [...new Set(names)],
    };
  }

  async get(key: string): Promise<Uint8Array> {
    if (this.deps.keepImages === false) {
      throw new FacegateError('PHOTOS_NOT_KEPT', `Collection ${this.deps.collectionId} keeps descriptors only`);
    }
    const o = UPLOAD_KEY.test(key) ? await this.deps.objects.get(this.deps.bucket, key) : undefined;
    if (!o) throw new FacegateError('NOT_FOUND', `No upload ${key}`);
    return o.body;
  }

  async delete(key: string): Promise<void> {
    const ids = await this.faceIdsOf(key);
    const hadImage = await this.deps.objects.delete(this.deps.bucket, key);
    if (!hadImage && !(await this.deps.objects.head(this.deps.bucket, facesKey(key))))
      throw new FacegateError('NOT_FOUND', `No upload ${key}`);
    if (ids.length) await this.dropFaces(ids);
    await this.deps.objects.delete(this.deps.bucket, facesKey(key));
  }

  private async faceIdsOf(key: string): Promise<string[]> {
    const o = await this.deps.objects.get(this.deps.bucket, facesKey(key));
    return o ? (JSON.parse(Buffer.from(o.body).toString('utf8')) as string[]) : [];
  }

  private async dropFaces(faceIds: string[]): Promise<void> {
    await this.own.use(() => this.deps.collections.deleteFaces({ collectionId: this.deps.collectionId, faceIds }));
  }
}
