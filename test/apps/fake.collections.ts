// A stand-in for the CollectionService (and the FaceEngine's labels/moderation) that reads who is in an image from
// the image bytes themselves: `faces:alice,bob` (largest first) or `faces:` for none; `|`-separated extras after
// that are for the fake engine (fake.engine.ts). Same identity → similarity 97,
// different → 12. Lets the apps' logic be tested without models; the real stack is exercised in the e2e tests.
import { randomUUID } from 'node:crypto';
import { FacegateError } from '../../src/errors.ts';
import type { Face } from '../../src/collections/collection.types.ts';
import type { VerifyCollections } from '../../src/apps/verify/verify.service.ts';

export const img = (...ids: string[]): Uint8Array => new Uint8Array(Buffer.from(`faces:${ids.join(',')}`));

const idsIn = (bytes: Uint8Array): string[] => {
  const s = Buffer.from(bytes).toString('utf8');
  if (!s.startsWith('faces:')) throw new FacegateError('INVALID_IMAGE_FORMAT');
  return s.slice(6).split('|')[0]!.split(',').filter(Boolean);
};

const box = (i: number) => ({ left: 0.1 + i * 0.3, top: 0.2, width: 0.25 - i * 0.05, height: 0.3 - i * 0.05 });
const detail = (i: number) => ({
  box: box(i),
  confidence: 99,
  landmarks: [],
  pose: { roll: 0, yaw: 0, pitch: 0 },
  quality: { brightness: 80, sharpness: 80 },
  widthPx: 100,
  heightPx: 120,
});

export class FakeCollections implements VerifyCollections {
  readonly faces = new Map<string, Map<string, Face & { identity: string }>>();

  async createCollection(req: { collectionId: string }) {
    if (this.faces.has(req.collectionId)) throw new FacegateError('ALREADY_EXISTS');
    this.faces.set(req.collectionId, new Map());
    return { collectionArn: `arn:${req.collectionId}`, faceModelVersion: 'fake' };
  }

  async describeCollection(collectionId: string) {
    const c = this.coll(collectionId);
    return {
      collectionId,
      collectionArn: `arn:${collectionId}`,
      faceModelVersion: 'fake',
      createdAt: new Date(0),
      faceCount: c.size,
      userCount: 0,
    };
  }

  async indexFaces(req: Parameters<VerifyCollections['indexFaces']>[0]) {
    const c = this.coll(req.collectionId);
    const ids = idsIn((req.image as { bytes: Uint8Array }).bytes);
    const max = req.maxFaces ?? 100;
    const faceRecords = ids.slice(0, max).map((identity, i) => {
      const face = {
        faceId: randomUUID(),
        imageId: randomUUID(),
        externalImageId: req.externalImageId,
        box: box(i),
        confidence: 99,
        indexFacesModelVersion: 'fake',
        identity,
      };
      c.set(face.faceId, face);
      const { identity: _drop, ...plain } = face;
      return { face: plain, faceDetail: detail(i) };
    });
    const unindexedFaces = ids
      .slice(max)
      .map((_, i) => ({ reasons: ['EXCEEDS_MAX_FACES' as const], faceDetail: detail(i + max) }));
    return { faceRecords, unindexedFaces, faceModelVersion: 'fake' };
  }

  /** IndexFaces split in two, as the real service does: prepare holds the faces back until commitFaces. */
  private readonly pending = new Map<string, Face & { identity: string }>();

  async prepareIndexFaces(req: Parameters<VerifyCollections['prepareIndexFaces']>[0]) {
    const result = await this.indexFaces(req);
    const c = this.coll(req.collectionId);
    for (const r of result.faceRecords) {
      this.pending.set(r.face.faceId, c.get(r.face.faceId)!);
      c.delete(r.face.faceId);
    }
    return { collectionId: req.collectionId, result, rows: [] };
  }

  /** The staged rows run first (as in one transaction: if they throw, no face appears). */
  async commitFaces(...[collectionId, prepared, also]: Parameters<VerifyCollections['commitFaces']>) {
    const c = this.coll(collectionId);
    for (const w of also) w.sqlite!();
    for (const p of prepared) {
      for (const r of p.result.faceRecords) {
        c.set(r.face.faceId, this.pending.get(r.face.faceId)!);
        this.pending.delete(r.face.faceId);
      }
    }
  }

  async deleteFacesWith(...[collectionId, faceIds, also]: Parameters<VerifyCollections['deleteFacesWith']>) {
    for (const w of also) w.sqlite!();
    const c = this.faces.get(collectionId);
    for (const id of faceIds) c?.delete(id);
  }

  async deleteFaces(req: { collectionId: string; faceIds: string[] }) {
    const c = this.coll(req.collectionId);
    const deletedFaces = req.faceIds.filter((id) => c.delete(id));
    return { deletedFaces, unsuccessfulFaceDeletions: [] };
  }

  async searchFacesByImage(req: Parameters<VerifyCollections['searchFacesByImage']>[0]) {
    const c = this.coll(req.collectionId);
    const probe = idsIn((req.image as { bytes: Uint8Array }).bytes)[0];
    if (probe === undefined) throw new FacegateError('NO_FACE');
    const faceMatches = [...c.values()]
      .map(({ identity, ...face }) => ({ similarity: identity === probe ? 97 : 12, face }))
      .filter((m) => m.similarity >= (req.faceMatchThreshold ?? 80))
      .sort((a, b) => b.similarity - a.similarity || a.face.faceId.localeCompare(b.face.faceId))
      .slice(0, req.maxFaces ?? 80);
    return { searchedFaceBoundingBox: box(0), searchedFaceConfidence: 99, faceMatches, faceModelVersion: 'fake' };
  }

  /** Every face of a collection (for assertions). */
  all(collectionId: string): Face[] {
    return [...(this.faces.get(collectionId)?.values() ?? [])];
  }

  private coll(id: string) {
    const c = this.faces.get(id);
    if (!c) throw new FacegateError('NOT_FOUND', `No collection ${id}`);
    return c;
  }
}
