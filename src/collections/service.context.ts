// What the collection use cases share: the ports, the page tokens, the per-collection write lock and small helpers.
import { FacegateError } from '../errors.ts';
import { noteImage } from '../governance/audit.scope.ts';
import type { CollectionServiceDeps } from './collection.service.ts';
import type { Face, FaceDetail, FaceMatch, ImageInput } from './collection.types.ts';
import { KeyedMutex } from './keyed.mutex.ts';
import type { CollectionRow, FaceRow } from './metadata.port.ts';
import { PageTokens } from './page.token.ts';
import type { DetectedFace } from '../vision/vision.types.ts';

export interface Ctx extends CollectionServiceDeps {
  tokens: PageTokens;
  lock: KeyedMutex;
}

export function createContext(deps: CollectionServiceDeps): Ctx {
  return { ...deps, tokens: new PageTokens(deps.tokenKey), lock: new KeyedMutex() };
}

export async function requireCollection(ctx: Ctx, collectionId: string): Promise<CollectionRow> {
  const c = await ctx.metadata.getCollection(collectionId);
  if (!c) throw new FacegateError('NOT_FOUND', `Collection ${collectionId} not found`);
  return c;
}

/** The engine must produce descriptors of the collection's model, else searching would compare apples and pears. */
export function requireSameModel(ctx: Ctx, c: CollectionRow): void {
  if (c.faceModelVersion !== ctx.engine.faceModelVersion || c.descriptorSize !== ctx.engine.descriptorSize) {
    throw new FacegateError(
      'MODEL_MISMATCH',
      `Collection ${c.id} holds ${c.faceModelVersion} descriptors; the engine makes ${ctx.engine.faceModelVersion}. Re-index into a new collection.`,
    );
  }
}

export async function imageBytes(
  ctx: Ctx,
  image: ImageInput,
): Promise<{ bytes: Uint8Array; source: 'inline' | 'object' }> {
  if ('bytes' in image) return { bytes: image.bytes, source: 'inline' };
  const { bucket, name } = image.s3Object;
  let got;
  try {
    got = await ctx.objects.get(bucket, name);
  } catch (e) {
    throw new FacegateError('INVALID_S3_OBJECT', `Cannot read s3://${bucket}/${name}`, { cause: e });
  }
  if (!got) throw new FacegateError('INVALID_S3_OBJECT', `No object s3://${bucket}/${name}`);
  noteImage(got.body);
  return { bytes: got.body, source: 'object' };
}

export const arnOf = (ctx: Ctx, collectionId: string): string =>
  `aws:rekognition:${ctx.region ?? 'local'}:${ctx.account ?? '000000000000'}:collection/${collectionId}`;

export function toFace(r: FaceRow): Face {
  const face: Face = {
    faceId: r.id,
    imageId: r.imageId,
    box: r.box,
    confidence: r.confidence,
    indexFacesModelVersion: r.modelVersion,
  };
  if (r.externalImageId !== null) face.externalImageId = r.externalImageId;
  if (r.userId !== null) face.userId = r.userId;
  return face;
}

export function toDetail(f: DetectedFace): FaceDetail {
  const { descriptor: _drop, ...detail } = f;
  return detail;
}

/** Face area in pixels: "largest" everywhere means this. */
export const areaPx = (f: DetectedFace): number => f.widthPx * f.heightPx;

/**
 * Similarity of `query` to each hit (0–100, the engine's calibration), best first, ties by face id, then the
 * threshold: ranking first and filtering after, as a kNN index is meant to be used.
 */
export async function rankMatches(
  ctx: Ctx,
  collectionId: string,
  query: Float32Array,
  hitIds: string[],
  threshold: number,
): Promise<FaceMatch[]> {
  const kept: [string, number][] = [];
  for (const id of hitIds) {
    const v = await ctx.vectors.get(collectionId, id);
    if (!v) continue;
    const s = ctx.engine.similarity(query, v);
    // Hits come best first and the calibration is monotonic in cosine: nothing after this can pass.
    if (s < threshold) break;
    kept.push([id, s]);
  }
  const rows = new Map(
    (
      await ctx.metadata.getFaces(
        collectionId,
        kept.map(([id]) => id),
      )
    ).map((r) => [r.id, r]),
  );
  return kept
    .filter(([id]) => rows.has(id))
    .map(([id, similarity]) => ({ similarity, face: toFace(rows.get(id)!) }))
    .sort((a, b) => b.similarity - a.similarity || (a.face.faceId < b.face.faceId ? -1 : 1));
}
