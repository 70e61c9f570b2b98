// Face use cases: IndexFaces, ListFaces, DeleteFaces, SearchFaces, SearchFacesByImage.
import type { Staged } from '../db/unit-of-work.ts';
import { FacegateError } from '../errors.ts';
import type { DetectedFace } from '../vision/vision.types.ts';
import { check, schemas } from './collection.schemas.ts';
import type {
  DeleteFacesResult,
  FaceMatch,
  IndexFacesRequest,
  IndexFacesResult,
  ListFacesRequest,
  ListFacesResult,
  SearchFacesByImageRequest,
  SearchFacesByImageResult,
  SearchFacesRequest,
  SearchFacesResult,
  UnindexedReason,
} from './collection.types.ts';
import type { FaceRow } from './metadata.port.ts';
import { indexReasons, qualityReasons } from './quality.filter.ts';
import {
  areaPx,
  imageBytes,
  rankMatches,
  requireCollection,
  requireSameModel,
  toDetail,
  toFace,
  type Ctx,
} from './service.context.ts';

const DEFAULT_MATCH_THRESHOLD = 80;

/** IndexFaces analysed but not yet written: what a unit of work commits with other parts' rows. */
export interface PreparedFaces {
  collectionId: string;
  result: IndexFacesResult;
  rows: FaceRow[];
}

export async function indexFaces(ctx: Ctx, input: IndexFacesRequest): Promise<IndexFacesResult> {
  const prepared = await prepareIndexFaces(ctx, input);
  if (prepared.rows.length) {
    await ctx.lock.run(prepared.collectionId, () => storeFaces(ctx, prepared.collectionId, prepared.rows));
  }
  return prepared.result;
}

/** Validation, analysis and the rows IndexFaces would store; nothing is written. */
export async function prepareIndexFaces(ctx: Ctx, input: IndexFacesRequest): Promise<PreparedFaces> {
  const req = check(schemas.indexFaces, input);
  const c = await requireCollection(ctx, req.collectionId);
  requireSameModel(ctx, c);
  await ctx.indexGuard?.(req.collectionId, req.externalImageId);
  const { bytes, source } = await imageBytes(ctx, req.image);
  const attributes = req.detectionAttributes?.some((a) => a !== 'DEFAULT') ?? false;
  const analysis = await ctx.engine.analyze(bytes, { descriptors: true, attributes, source });
  const faces = [...analysis.faces].sort((a, b) => areaPx(b) - areaPx(a));

  const filter = req.qualityFilter ?? 'AUTO';
  const maxFaces = req.maxFaces ?? 100;
  const kept: DetectedFace[] = [];
  const unindexed: IndexFacesResult['unindexedFaces'] = [];
  for (const f of faces) {
    if (f.descriptor && !usable(f.descriptor, c.descriptorSize)) {
      // An engine bug must not poison the collection: one NaN would rank first or last in every search.
      throw new FacegateError(
        'INTERNAL',
        `The face engine returned an invalid ${f.descriptor.length}-value descriptor`,
      );
    }
    const reasons: UnindexedReason[] = indexReasons(f, filter);
    if (reasons.length === 0 && kept.length >= maxFaces) reasons.push('EXCEEDS_MAX_FACES');
    if (reasons.length) unindexed.push({ reasons, faceDetail: toDetail(f) });
    else kept.push(f);
  }

  const imageId = ctx.ids.uuid();
  const now = ctx.clock.now();
  const rows: FaceRow[] = kept.map((f) => ({
    id: ctx.ids.uuid(),
    collectionId: c.id,
    imageId,
    externalImageId: req.externalImageId ?? null,
    box: f.box,
    confidence: f.confidence,
    quality: f.quality,
    pose: f.pose,
    modelVersion: ctx.engine.faceModelVersion,
    userId: null,
    createdAt: now,
    descriptor: f.descriptor!,
  }));
  return {
    collectionId: c.id,
    rows,
    result: {
      faceRecords: rows.map((r, i) => ({ face: toFace(r), faceDetail: toDetail(kept[i]!) })),
      unindexedFaces: unindexed,
      faceModelVersion: ctx.engine.faceModelVersion,
    },
  };
}

/**
 * Stores prepared faces of one collection and `also` (other parts' staged rows) in one transaction, then adds the
 * faces to the vector index, which is derived state: if adding fails, the index is rebuilt from the store at start.
 */
export async function commitFaces(
  ctx: Ctx,
  collectionId: string,
  prepared: readonly PreparedFaces[],
  also: readonly Staged[],
): Promise<void> {
  const rows = prepared.flatMap((p) => p.rows);
  if (rows.some((r) => r.collectionId !== collectionId)) {
    throw new FacegateError('INTERNAL', `prepared faces of another collection than ${collectionId}`);
  }
  await ctx.lock.run(collectionId, async () => {
    await ctx.metadata.unitOfWork.commit([ctx.metadata.stageInsertFaces(rows), ...also]);
    await ctx.vectors.add(
      collectionId,
      rows.map((r) => ({ id: r.id, vector: r.descriptor })),
    );
  });
}

/**
 * Deletes faces (whether or not associated with a user) and `also` in one transaction, then drops them from the
 * index. `erase`: the writes remove personal data (no old page image is kept; see UnitOfWork).
 */
export async function deleteFacesWith(
  ctx: Ctx,
  collectionId: string,
  faceIds: readonly string[],
  also: readonly Staged[],
  erase = false,
): Promise<void> {
  const ids = [...new Set(faceIds)];
  await ctx.lock.run(collectionId, async () => {
    await ctx.metadata.unitOfWork.commit([ctx.metadata.stageDeleteFaces(collectionId, ids), ...also], { erase });
    await ctx.vectors.remove(collectionId, ids);
  });
}

/** The collection's length, finite, unit length (± 1e-3). */
function usable(d: Float32Array, size: number): boolean {
  if (d.length !== size) return false;
  let norm = 0;
  for (let i = 0; i < d.length; i++) norm += d[i]! * d[i]!;
  return Number.isFinite(norm) && Math.abs(Math.sqrt(norm) - 1) < 1e-3;
}

/** Store first (durable), then the index; if the index refuses, take the rows back out so the two agree. */
async function storeFaces(ctx: Ctx, collectionId: string, rows: FaceRow[]): Promise<void> {
  await ctx.metadata.insertFaces(rows);
  try {
    await ctx.vectors.add(
      collectionId,
      rows.map((r) => ({ id: r.id, vector: r.descriptor })),
    );
  } catch (e) {
    await ctx.metadata.deleteFaces(
      collectionId,
      rows.map((r) => r.id),
    );
    await ctx.vectors.remove(
      collectionId,
      rows.map((r) => r.id),
    );
    throw e;
  }
}

export async function listFaces(ctx: Ctx, input: ListFacesRequest): Promise<ListFacesResult> {
  const req = check(schemas.listFaces, input);
  const c = await requireCollection(ctx, req.collectionId);
  const scope = `ListFaces:${c.id}:${req.userId ?? ''}:${req.faceIds?.join(',') ?? ''}`;
  const afterId = req.nextToken === undefined ? undefined : ctx.tokens.read(scope, req.nextToken);
  const limit = req.maxResults ?? 1000;
  const rows = await ctx.metadata.listFaces(c.id, {
    afterId,
    limit: limit + 1,
    ...(req.userId !== undefined && { userId: req.userId }),
    ...(req.faceIds !== undefined && { faceIds: req.faceIds }),
  });
  const page = rows.slice(0, limit);
  const result: ListFacesResult = { faces: page.map(toFace), faceModelVersion: c.faceModelVersion };
  if (rows.length > limit) result.nextToken = ctx.tokens.issue(scope, page[page.length - 1]!.id);
  return result;
}

export async function deleteFaces(
  ctx: Ctx,
  input: { collectionId: string; faceIds: string[] },
): Promise<DeleteFacesResult> {
  const req = check(schemas.deleteFaces, input);
  const c = await requireCollection(ctx, req.collectionId);
  return ctx.lock.run(c.id, async () => {
    const ids = [...new Set(req.faceIds)];
    const found = new Map((await ctx.metadata.getFaces(c.id, ids)).map((f) => [f.id, f]));
    const result: DeleteFacesResult = { deletedFaces: [], unsuccessfulFaceDeletions: [] };
    const deletable: string[] = [];
    for (const id of ids) {
      const f = found.get(id);
      if (!f) result.unsuccessfulFaceDeletions.push({ faceId: id, reasons: ['FACE_NOT_FOUND'] });
      else if (f.userId !== null) {
        result.unsuccessfulFaceDeletions.push({
          faceId: id,
          userId: f.userId,
          reasons: ['ASSOCIATED_TO_AN_EXISTING_USER'],
        });
      } else deletable.push(id);
    }
    result.deletedFaces = await ctx.metadata.deleteFaces(c.id, deletable);
    await ctx.vectors.remove(c.id, result.deletedFaces);
    return result;
  });
}

export async function searchFaces(ctx: Ctx, input: SearchFacesRequest): Promise<SearchFacesResult> {
  const req = check(schemas.searchFaces, input);
  const c = await requireCollection(ctx, req.collectionId);
  const [face] = await ctx.metadata.getFaces(c.id, [req.faceId]);
  if (!face) throw new FacegateError('INVALID_PARAMETER', `Face ${req.faceId} is not in collection ${c.id}`);
  const hits = await ctx.vectors.search(c.id, face.descriptor, req.maxFaces ?? 4096, (id) => id !== face.id);
  return {
    searchedFaceId: face.id,
    faceMatches: await rankMatches(
      ctx,
      c.id,
      face.descriptor,
      hits.map((h) => h.id),
      req.faceMatchThreshold ?? DEFAULT_MATCH_THRESHOLD,
    ),
    faceModelVersion: c.faceModelVersion,
  };
}

export async function searchFacesByImage(
  ctx: Ctx,
  input: SearchFacesByImageRequest,
): Promise<SearchFacesByImageResult> {
  const req = check(schemas.searchFacesByImage, input);
  const c = await requireCollection(ctx, req.collectionId);
  requireSameModel(ctx, c);
  const { bytes, source } = await imageBytes(ctx, req.image);
  const analysis = await ctx.engine.analyze(bytes, { descriptors: true, maxFaces: 1, source });
  const largest = [...analysis.faces].sort((a, b) => areaPx(b) - areaPx(a))[0];
  if (!largest?.descriptor) throw new FacegateError('NO_FACE');
  const reasons = qualityReasons(largest, req.qualityFilter ?? 'NONE');
  if (reasons.length)
    throw new FacegateError('NO_FACE', `The largest face fails the quality filter: ${reasons.join(', ')}`);
  const hits = await ctx.vectors.search(c.id, largest.descriptor, req.maxFaces ?? 4096);
  return {
    searchedFaceBoundingBox: largest.box,
    searchedFaceConfidence: largest.confidence,
    faceMatches: await rankMatches(
      ctx,
      c.id,
      largest.descriptor,
      hits.map((h) => h.id),
      req.faceMatchThreshold ?? DEFAULT_MATCH_THRESHOLD,
    ),
    faceModelVersion: c.faceModelVersion,
  };
}

/**
 * Search by an already-computed descriptor (camera tracks, whose combined descriptor exists only in memory). The
 * descriptor must come from the collection's model (MODEL_MISMATCH otherwise) and have its length.
 */
export async function searchByDescriptor(
  ctx: Ctx,
  input: { collectionId: string; descriptor: Float32Array; maxFaces?: number; faceMatchThreshold?: number },
): Promise<FaceMatch[]> {
  const c = await requireCollection(ctx, check(schemas.collectionId, input.collectionId));
  requireSameModel(ctx, c);
  if (!usable(input.descriptor, c.descriptorSize))
    throw new FacegateError('INVALID_PARAMETER', `The descriptor must be a unit-length ${c.descriptorSize}-vector`);
  const maxFaces = Math.min(4096, Math.max(1, input.maxFaces ?? 10));
  const hits = await ctx.vectors.search(c.id, input.descriptor, maxFaces);
  return rankMatches(
    ctx,
    c.id,
    input.descriptor,
    hits.map((h) => h.id),
    input.faceMatchThreshold ?? DEFAULT_MATCH_THRESHOLD,
  );
}
