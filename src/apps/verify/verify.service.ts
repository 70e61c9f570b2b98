// Registration and verification (the identity-verification tutorials): people with a name, contact and free fields,
// each with one or more photos whose largest face is indexed into the verify collection (ExternalImageId = personId);
// verify 1:1 ("is this person X?") and identify 1:N ("who is this?", or unknown). Photos and face thumbnails are kept
// in the object store; deleting a person removes their faces, photos and thumbnails.
//
// Atomicity: a person's row, photo rows and faces are committed in one transaction (CollectionService.commitFaces with
// the people store's staged rows), so a crash never leaves faces without a person or a person without faces. Photos
// and thumbnails are written to the object store before that commit; the ones no row refers to (a crash between the
// two, or after a deletion's commit) are removed by sweepObjects().
import { FacegateError } from '../../errors.ts';
import { OwnCollection } from '../ensure.collection.ts';
import type { CollectionService } from '../../collections/collection.service.ts';
import type { PreparedFaces } from '../../collections/face.ops.ts';
import type { Staged } from '../../db/unit-of-work.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import type { Box } from '../../vision/vision.types.ts';
import { collectionThreshold } from '../../vision/embed/similarity.ts';
import type { ConsentInput } from '../../governance/consent.types.ts';
import type { Person, PersonRow, PeopleStore, PhotoRow } from './people.port.ts';
import type { Thumbnailer } from './thumbnail.port.ts';
import type { Rejection, RejectionStore } from './rejections.ts';

export type VerifyCollections = Pick<
  CollectionService,
  | 'createCollection'
  | 'describeCollection'
  | 'indexFaces'
  | 'deleteFaces'
  | 'prepareIndexFaces'
  | 'commitFaces'
  | 'deleteFacesWith'
  | 'searchFacesByImage'
>;

/** One photo ready to commit: its faces prepared, its objects written. */
interface PreparedPhoto {
  row: PhotoRow;
  faces: PreparedFaces;
}

/** Governance's consent records, as registration uses them (governance/consent.service.ts). */
export interface VerifyConsent {
  requiredFor(collectionId: string): boolean;
  give(collectionId: string, subjectId: string, input: ConsentInput, recordedBy: string | null): Promise<unknown>;
  remove(subjectId: string): Promise<number>;
}

export interface VerifyDeps {
  people: PeopleStore;
  collections: VerifyCollections;
  objects: ObjectStore;
  thumbnails: Thumbnailer;
  collectionId: string;
  /** Default decision threshold, similarity 0–100. */
  threshold: number;
  /** 1:N identify's default: a number, or `auto` for the collection's size-aware level (default: `threshold`). */
  identifyThreshold?: number | 'auto';
  bucket?: string;
  uuid: () => string;
  now: () => Date;
  consent?: VerifyConsent;
  /** False for a descriptor-only collection (governance.descriptorOnly): no photo or thumbnail is stored. */
  keepPhotos?: boolean;
  /** Negative feedback ("this match is wrong"); without it nothing can be rejected. */
  rejections?: RejectionStore;
}

export interface PersonInput {
  name: string;
  email?: string | null;
  phone?: string | null;
  fields?: Record<string, string>;
  /** Recorded before any face is indexed; required when the collection's policy says so. */
  consent?: ConsentInput;
  /** Who registers (for the consent record). */
  recordedBy?: string | null;
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

/** How long identify's `auto` threshold keeps the gallery size it read. */
const GALLERY_SIZE_TTL_MS = 30_000;

/** Candidate faces fetched for one 1:1 verification: the person's faces are found among the nearest ones. */
const VERIFY_POOL = 4096;

export class VerifyService {
  private readonly own: OwnCollection;
  /** The people collection's face count as last read, for identify's `auto` threshold. */
  private gallery?: { at: number; faces: number };
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
    const { consent } = this.deps;
    if (!input.consent && consent?.requiredFor(this.deps.collectionId)) {
      throw new FacegateError('CONSENT_REQUIRED', `Registering in ${this.deps.collectionId} needs a consent record`);
    }
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
    if (input.consent) {
      if (!consent) throw new FacegateError('INVALID_PARAMETER', 'Consent records are not available on this server');
      await consent.give(this.deps.collectionId, row.personId, input.consent, input.recordedBy ?? null);
    }
    try {
      const added = await this.preparePhotos(row.personId, photos);
      const rows = added.map((a) => a.row);
      await this.commit(added, this.deps.people.stageInsert(row, rows));
      return { ...row, photos: rows };
    } catch (e) {
      if (input.consent) await consent?.remove(row.personId);
      throw e;
    }
  }

  async addPhotos(personId: string, photos: Uint8Array[]): Promise<Person> {
    await this.get(personId);
    if (photos.length === 0) throw new FacegateError('INVALID_PARAMETER', 'At least one photo is required');
    const added = await this.preparePhotos(personId, photos);
    await this.commit(added, this.deps.people.stageAddPhotos(added.map((a) => a.row)));
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

  /** The rows and faces in one transaction (erasing their bytes), then the objects (swept if a crash intervenes). */
  async delete(personId: string): Promise<void> {
    const p = await this.get(personId);
    await this.dropFaces(
      p.photos.map((ph) => ph.faceId),
      this.deps.people.stageDelete(personId),
    );
    for (const ph of p.photos) await this.dropObjects(ph);
    // Rejections of a deleted person can never apply again; a crash before this only leaves them unused.
    await this.deps.rejections?.forget(personId);
  }

  async deletePhoto(personId: string, photoId: string): Promise<Person> {
    const p = await this.get(personId);
    const ph = p.photos.find((x) => x.photoId === photoId);
    if (!ph) throw new FacegateError('NOT_FOUND', `Person ${personId} has no photo ${photoId}`);
    await this.dropFaces([ph.faceId], this.deps.people.stageDeletePhoto(personId, photoId));
    await this.dropObjects(ph);
    return this.get(personId);
  }

  /**
   * Removes the objects of the people bucket that no photo row refers to and that were last written before
   * `writtenBefore` (a registration in flight writes its objects before its rows: give it time). Returns how many.
   */
  async sweepObjects(writtenBefore: Date): Promise<number> {
    let removed = 0;
    let startAfter: string | undefined;
    for (let pages = 0; pages < 1_000_000; pages++) {
      const page = await this.deps.objects.list(this.bucket, startAfter === undefined ? {} : { startAfter });
      const old = page.objects.filter((o) => o.lastModified < writtenBefore).map((o) => o.key);
      const kept = await this.deps.people.referencedKeys(old);
      for (const key of old) if (!kept.has(key) && (await this.deps.objects.delete(this.bucket, key))) removed++;
      if (page.nextStartAfter === undefined) break;
      startAfter = page.nextStartAfter;
    }
    return removed;
  }

  /** The stored photo or its face thumbnail. */
  async photo(personId: string, photoId: string, kind: 'original' | 'thumbnail'): Promise<Uint8Array> {
    const p = await this.get(personId);
    const ph = p.photos.find((x) => x.photoId === photoId);
    if (ph && this.deps.keepPhotos === false) {
      throw new FacegateError('PHOTOS_NOT_KEPT', `Collection ${this.deps.collectionId} keeps descriptors only`);
    }
    const obj = ph && (await this.deps.objects.get(this.bucket, kind === 'original' ? ph.objectKey : ph.thumbnailKey));
    if (!obj) throw new FacegateError('NOT_FOUND', `No ${kind} for photo ${photoId}`);
    return obj.body;
  }

  /** The face thumbnail of a face of the people collection, with its person; undefined for other faces. */
  async faceThumbnail(faceId: string): Promise<Uint8Array | undefined> {
    const ph = this.deps.keepPhotos === false ? undefined : await this.deps.people.photoByFace(faceId);
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
    const threshold = o.threshold ?? (await this.identifyThreshold());
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

  /**
   * Identify's default threshold. `auto`: a stranger is compared with every face of the gallery, so the per-pair
   * level must rise with its size to keep the per-search false-accept rate (collectionThreshold); the face count
   * is read at most every 30 s.
   */
  async identifyThreshold(): Promise<number> {
    const t = this.deps.identifyThreshold ?? this.deps.threshold;
    if (t !== 'auto') return t;
    const now = this.deps.now().getTime();
    if (!this.gallery || now - this.gallery.at > GALLERY_SIZE_TTL_MS) {
      const faces = await this.own.use(
        async () => (await this.deps.collections.describeCollection(this.deps.collectionId)).faceCount,
      );
      this.gallery = { at: now, faces };
    }
    return Math.max(this.deps.threshold, collectionThreshold(this.gallery.faces));
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

  /** Analyses the largest face of each photo and writes photo + thumbnail; nothing is left if one fails. */
  private async preparePhotos(personId: string, photos: Uint8Array[]): Promise<PreparedPhoto[]> {
    const done: PreparedPhoto[] = [];
    try {
      for (const [i, bytes] of photos.entries()) done.push(await this.preparePhoto(personId, bytes, i));
      return done;
    } catch (e) {
      for (const d of done) await this.dropObjects(d.row);
      throw e;
    }
  }

  /** Faces and rows in one transaction; the objects already written are removed if it fails. */
  private async commit(added: PreparedPhoto[], rows: Staged): Promise<void> {
    try {
      await this.own.use(() =>
        this.deps.collections.commitFaces(
          this.deps.collectionId,
          added.map((a) => a.faces),
          [rows],
        ),
      );
    } catch (e) {
      for (const a of added) await this.dropObjects(a.row);
      throw e;
    }
  }

  private async preparePhoto(personId: string, bytes: Uint8Array, index: number): Promise<PreparedPhoto> {
    const faces = await this.own.use(() =>
      this.deps.collections.prepareIndexFaces({
        collectionId: this.deps.collectionId,
        image: { bytes },
        externalImageId: personId,
        maxFaces: 1,
        qualityFilter: 'AUTO',
      }),
    );
    const r = faces.result;
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
    if (this.deps.keepPhotos === false) return { row, faces };
    try {
      await this.deps.objects.put(this.bucket, row.objectKey, bytes);
      await this.deps.objects.put(
        this.bucket,
        row.thumbnailKey,
        await this.deps.thumbnails.faceThumbnail(bytes, row.box),
      );
    } catch (e) {
      await this.dropObjects(row);
      throw e;
    }
    return { row, faces };
  }

  /** The faces and `rows` in one transaction that erases what it deletes. */
  private async dropFaces(faceIds: string[], rows: Staged): Promise<void> {
    const collectionId = this.deps.collectionId;
    await this.own.use(() => this.deps.collections.deleteFacesWith(collectionId, faceIds, [rows], true));
  }

  private async dropObjects(ph: PhotoRow): Promise<void> {
    await this.deps.objects.delete(this.bucket, ph.objectKey);
    await this.deps.objects.delete(this.bucket, ph.thumbnailKey);
  }
}
