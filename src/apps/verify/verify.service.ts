// Registration and verification (the identity-verification tutorials): people with a name, contact and free fields,
// each with one or more photos whose largest face is indexed into the verify collection (ExternalImageId = personId);
// verify 1:1 ("is this person X?") and identify 1:N ("who is this?", or unknown). Photos and face thumbnails are kept
// in the object store; deleting a person removes their faces, photos and thumbnails.
import { FacegateError } from '../../errors.ts';
import { OwnCollection } from '../ensure.collection.ts';
import type { CollectionService } from '../../collections/collection.service.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import type { Box } from '../../vision/vision.types.ts';
import type { Person, PersonRow, PeopleStore, PhotoRow } from './people.port.ts';
import type { Thumbnailer } from './thumbnail.port.ts';
import type { Rejection, RejectionStore } from './rejections.ts';

export type VerifyCollections = Pick<
  CollectionService,
  'createCollection' | 'describeCollection' | 'indexFaces' | 'deleteFaces' | 'searchFacesByImage'
>;

export interface VerifyDeps {
  people: PeopleStore;
  collections: VerifyCollections;
  objects: ObjectStore;
  thumbnails: Thumbnailer;
  collectionId: string;
  /** Default decision threshold, similarity 0–100. */
  threshold: number;
  bucket?: string;
  uuid: () => string;
  now: () => Date;
  /** Negative feedback ("this match is wrong"); without it nothing can be rejected. */
  rejections?: RejectionStore;
}

export interface PersonInput {
  name: string;
  email?: string | null;
  phone?: string | null;
  fields?: Record<string, string>;
}

export interface SearchedFace {
  box: Box;
  confidence: number;
}

export interface VerifyResult {
  personId: string;
  name: string;
  verified: boolean;
  /** Best similarity of the probe's largest face to the person's faces, 0–100 (0 when none is close). */
  similarity: number;
  threshold: number;
  matchedFaceId: string | null;
  searchedFace: SearchedFace;
}

export interface IdentifyMatch {
  person: Person;
  similarity: number;
  faceId: string;
}

export interface IdentifyResult {
  /** True when nobody clears the threshold. */
  unknown: boolean;
  threshold: number;
  matches: IdentifyMatch[];
  searchedFace: SearchedFace | null;
}

/** Candidate faces fetched for one 1:1 verification: the person's faces are found among the nearest ones. */
const VERIFY_POOL = 4096;

export class VerifyService {
  private readonly own: OwnCollection;
  readonly bucket: string;

  constructor(private readonly deps: VerifyDeps) {
    this.bucket = deps.bucket ?? 'people';
    this.own = new OwnCollection(deps.collections, deps.collectionId);
  }

  get threshold(): number {
    return this.deps.threshold;
  }

  async register(input: PersonInput, photos: Uint8Array[]): Promise<Person> {
    if (photos.length === 0) throw new FacegateError('INVALID_PARAMETER', 'At least one photo is required');
    const now = this.deps.now();
    const row: PersonRow = {
      personId: this.deps.uuid(),
      collectionId: this.deps.collectionId,
      name: input.name,
      email: input.email ?? null,
      phone: input.phone ?? null,
      fields: input.fields ?? {},
      createdAt: now,
      updatedAt: now,
    };
    const added = await this.indexPhotos(row.personId, photos);
    await this.deps.people.insert(row, added);
    return { ...row, photos: added };
  }

  async addPhotos(personId: string, photos: Uint8Array[]): Promise<Person> {
    await this.get(personId);
    if (photos.length === 0) throw new FacegateError('INVALID_PARAMETER', 'At least one photo is required');
    await this.deps.people.addPhotos(await this.indexPhotos(personId, photos));
    return this.get(personId);
  }

  async get(personId: string): Promise<Person> {
    const p = await this.deps.people.get(personId);
    if (!p || p.collectionId !== this.deps.collectionId) {
      throw new FacegateError('NOT_FOUND', `No person ${personId}`);
    }
    return p;
  }

  async list(q: { limit: number; after?: { name: string; personId: string }; search?: string }): Promise<Person[]> {
    return this.deps.people.list({ collectionId: this.deps.collectionId, ...q });
  }

  async update(personId: string, patch: Partial<PersonInput>): Promise<Person> {
    await this.get(personId);
    await this.deps.people.update(personId, patch, this.deps.now());
    return this.get(personId);
  }

  /** Faces first, then objects, then the row: a retry after a crash finishes the job. */
  async delete(personId: string): Promise<void> {
    const p = await this.get(personId);
    await this.dropFaces(p.photos.map((ph) => ph.faceId));
    for (const ph of p.photos) await this.dropObjects(ph);
    await this.deps.rejections?.forget(personId);
    await this.deps.people.delete(personId);
  }

  async deletePhoto(personId: string, photoId: string): Promise<Person> {
    const p = await this.get(personId);
    const ph = p.photos.find((x) => x.photoId === photoId);
    if (!ph) throw new FacegateError('NOT_FOUND', `Person ${personId} has no photo ${photoId}`);
    await this.dropFaces([ph.faceId]);
    await this.dropObjects(ph);
    await this.deps.people.deletePhoto(personId, photoId);
    return this.get(personId);
  }

  /** The stored photo or its face thumbnail. */
  async photo(personId: string, photoId: string, kind: 'original' | 'thumbnail'): Promise<Uint8Array> {
    const p = await this.get(personId);
    const ph = p.photos.find((x) => x.photoId === photoId);
    const obj = ph && (await this.deps.objects.get(this.bucket, kind === 'original' ? ph.objectKey : ph.thumbnailKey));
    if (!obj) throw new FacegateError('NOT_FOUND', `No ${kind} for photo ${photoId}`);
    return obj.body;
  }

  /** The face thumbnail of a face of the people collection, with its person; undefined for other faces. */
  async faceThumbnail(faceId: string): Promise<Uint8Array | undefined> {
    const ph = await this.deps.people.photoByFace(faceId);
    return ph && (await this.deps.objects.get(this.bucket, ph.thumbnailKey))?.body;
  }

  get collectionId(): string {
    return this.deps.collectionId;
  }

  async verify(personId: string, image: Uint8Array, threshold = this.deps.threshold): Promise<VerifyResult> {
    const p = await this.get(personId);
    const r = await this.search(image, VERIFY_POOL, 0);
    const own = new Set(p.photos.map((ph) => ph.faceId));
    const best = r.faceMatches.find((m) => own.has(m.face.faceId));
    const similarity = best?.similarity ?? 0;
    const rejected = best !== undefined && (await this.rejectedFor(image)).has(personId);
    return {
      personId,
      name: p.name,
      verified: best !== undefined && similarity >= threshold && !rejected,
      similarity,
      threshold,
      matchedFaceId: best?.face.faceId ?? null,
      searchedFace: { box: r.searchedFaceBoundingBox, confidence: r.searchedFaceConfidence },
    };
  }

  async identify(image: Uint8Array, o: { threshold?: number; maxResults?: number } = {}): Promise<IdentifyResult> {
    const threshold = o.threshold ?? this.deps.threshold;
    const maxResults = o.maxResults ?? 5;
    // Several faces per person: fetch more faces than people wanted, then keep each person's best.
    const r = await this.search(image, Math.min(VERIFY_POOL, maxResults * 10), threshold);
    const best = new Map<string, { similarity: number; faceId: string }>();
    for (const m of r.faceMatches) {
      const id = m.face.externalImageId;
      if (id && !best.has(id)) best.set(id, { similarity: m.similarity, faceId: m.face.faceId });
    }
    if (best.size) for (const id of await this.rejectedFor(image)) best.delete(id);
    // Faces whose person row is gone (a registration that crashed half-way) are skipped.
    const people = new Map((await this.deps.people.getMany([...best.keys()])).map((p) => [p.personId, p]));
    const matches = [...best]
      .flatMap(([id, b]) => {
        const person = people.get(id);
        return person ? [{ person, ...b }] : [];
      })
      .slice(0, maxResults);
    return {
      unknown: matches.length === 0,
      threshold,
      matches,
      searchedFace: { box: r.searchedFaceBoundingBox, confidence: r.searchedFaceConfidence },
    };
  }

  /** Marks the largest face of `image` as not being this person: it will not match them again. */
  async reject(personId: string, image: Uint8Array): Promise<Rejection> {
    await this.get(personId);
    if (!this.deps.rejections) throw new FacegateError('INVALID_PARAMETER', 'Negative feedback is not configured');
    return this.deps.rejections.reject(personId, image);
  }

  private rejectedFor(image: Uint8Array): Promise<Set<string>> {
    return this.deps.rejections ? this.deps.rejections.rejectedFor(image) : Promise.resolve(new Set());
  }

  private async search(image: Uint8Array, maxFaces: number, threshold: number) {
    return this.own.use(() =>
      this.deps.collections.searchFacesByImage({
        collectionId: this.deps.collectionId,
        image: { bytes: image },
        maxFaces,
        faceMatchThreshold: threshold,
      }),
    );
  }

  /** Indexes the largest face of each photo and stores photo + thumbnail; all or nothing. */
  private async indexPhotos(personId: string, photos: Uint8Array[]): Promise<PhotoRow[]> {
    const done: PhotoRow[] = [];
    try {
      for (const [i, bytes] of photos.entries()) done.push(await this.indexPhoto(personId, bytes, i));
      return done;
    } catch (e) {
      await this.dropFaces(done.map((d) => d.faceId));
      for (const d of done) await this.dropObjects(d);
      throw e;
    }
  }

  private async indexPhoto(personId: string, bytes: Uint8Array, index: number): Promise<PhotoRow> {
    const r = await this.own.use(() =>
      this.deps.collections.indexFaces({
        collectionId: this.deps.collectionId,
        image: { bytes },
        externalImageId: personId,
        maxFaces: 1,
        qualityFilter: 'AUTO',
      }),
    );
    const rec = r.faceRecords[0];
    if (!rec) {
      const reasons = [...new Set(r.unindexedFaces.flatMap((u) => u.reasons))].filter((x) => x !== 'EXCEEDS_MAX_FACES');
      const why = reasons.length ? ` (${reasons.join(', ')})` : '';
      throw new FacegateError('NO_FACE', `Photo ${index + 1} has no usable face${why}`, { details: { photo: index } });
    }
    const photoId = this.deps.uuid();
    const row: PhotoRow = {
      photoId,
      personId,
      faceId: rec.face.faceId,
      objectKey: `${personId}/${photoId}`,
      thumbnailKey: `${personId}/${photoId}.thumb.jpg`,
      box: rec.face.box,
      createdAt: this.deps.now(),
    };
    try {
      await this.deps.objects.put(this.bucket, row.objectKey, bytes);
      await this.deps.objects.put(
        this.bucket,
        row.thumbnailKey,
        await this.deps.thumbnails.faceThumbnail(bytes, row.box),
      );
    } catch (e) {
      await this.dropFaces([row.faceId]);
      await this.dropObjects(row);
      throw e;
    }
    return row;
  }

  private async dropFaces(faceIds: string[]): Promise<void> {
    const collectionId = this.deps.collectionId;
    if (faceIds.length) await this.own.use(() => this.deps.collections.deleteFaces({ collectionId, faceIds }));
  }

  private async dropObjects(ph: PhotoRow): Promise<void> {
    await this.deps.objects.delete(this.bucket, ph.objectKey);
    await this.deps.objects.delete(this.bucket, ph.thumbnailKey);
  }
}
