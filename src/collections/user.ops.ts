// User use cases: CreateUser, DeleteUser, ListUsers, AssociateFaces, DisassociateFaces, SearchUsers,
// SearchUsersByImage. A user is a set of ≤ 100 faces of one person; its similarity to a probe is the best over them.
import { createHash } from 'node:crypto';
import { FacegateError } from '../errors.ts';
import { check, schemas } from './collection.schemas.ts';
import type {
  AssociateFacesRequest,
  AssociateFacesResult,
  DisassociateFacesRequest,
  DisassociateFacesResult,
  ListUsersResult,
  Page,
  UserMatch,
  UserRequest,
  UserStatus,
} from './collection.types.ts';
import { requireCollection, type Ctx } from './service.context.ts';

export const MAX_FACES_PER_USER = 100;
const DEFAULT_ASSOCIATE_THRESHOLD = 75;
const DEFAULT_SEARCH_THRESHOLD = 80;

export const statusOf = (faceCount: number): UserStatus => (faceCount > 0 ? 'ACTIVE' : 'CREATED');

/**
 * Runs `work` under the collection's write lock, at most once per ClientRequestToken: a retry with the same token and
 * parameters gets the first answer; the same token with other parameters is IDEMPOTENCY_MISMATCH.
 */
async function once<T>(ctx: Ctx, op: string, req: UserRequest, work: () => Promise<T>): Promise<T> {
  return ctx.lock.run(req.collectionId, async () => {
    const token = req.clientRequestToken;
    if (token === undefined) return work();
    const { clientRequestToken: _t, ...params } = req;
    const hash = createHash('sha256').update(JSON.stringify(params)).digest('hex');
    const seen = await ctx.metadata.getIdempotency(req.collectionId, op, token);
    if (seen) {
      if (seen.paramsHash !== hash) throw new FacegateError('IDEMPOTENCY_MISMATCH');
      return JSON.parse(seen.response) as T;
    }
    const result = await work();
    const record = { paramsHash: hash, response: JSON.stringify(result ?? null), createdAt: ctx.clock.now() };
    await ctx.metadata.putIdempotency(req.collectionId, op, token, record);
    return result;
  });
}

export async function createUser(ctx: Ctx, input: UserRequest): Promise<void> {
  const req = check(schemas.user, input);
  await requireCollection(ctx, req.collectionId);
  await once(ctx, 'CreateUser', req, () => ctx.metadata.createUser(req.collectionId, req.userId, ctx.clock.now()));
}

export async function deleteUser(ctx: Ctx, input: UserRequest): Promise<void> {
  const req = check(schemas.user, input);
  await requireCollection(ctx, req.collectionId);
  await once(ctx, 'DeleteUser', req, async () => {
    if (!(await ctx.metadata.deleteUser(req.collectionId, req.userId))) {
      throw new FacegateError('NOT_FOUND', `User ${req.userId} not found`);
    }
  });
}

export async function listUsers(ctx: Ctx, input: Page & { collectionId: string }): Promise<ListUsersResult> {
  const req = check(schemas.listUsers, input);
  const c = await requireCollection(ctx, req.collectionId);
  const scope = `ListUsers:${c.id}`;
  const afterId = req.nextToken === undefined ? undefined : ctx.tokens.read(scope, req.nextToken);
  const limit = req.maxResults ?? 500;
  const rows = await ctx.metadata.listUsers(c.id, afterId, limit + 1);
  const page = rows.slice(0, limit);
  const result: ListUsersResult = { users: page.map((u) => ({ userId: u.id, userStatus: statusOf(u.faceCount) })) };
  if (rows.length > limit) result.nextToken = ctx.tokens.issue(scope, page[page.length - 1]!.id);
  return result;
}

async function requireUser(ctx: Ctx, collectionId: string, userId: string) {
  const u = await ctx.metadata.getUser(collectionId, userId);
  if (!u) throw new FacegateError('NOT_FOUND', `User ${userId} not found`);
  return u;
}

export async function associateFaces(ctx: Ctx, input: AssociateFacesRequest): Promise<AssociateFacesResult> {
  const req = check(schemas.associateFaces, input);
  await requireCollection(ctx, req.collectionId);
  return once(ctx, 'AssociateFaces', req, async () => {
    const { collectionId, userId } = req;
    const user = await requireUser(ctx, collectionId, userId);
    const ids = [...new Set(req.faceIds)];
    const found = new Map((await ctx.metadata.getFaces(collectionId, ids)).map((f) => [f.id, f]));
    const existing = await ctx.metadata.getFaces(
      collectionId,
      [...(await ctx.metadata.userFaces(collectionId))].filter(([, u]) => u === userId).map(([f]) => f),
    );
    const threshold = req.userMatchThreshold ?? DEFAULT_ASSOCIATE_THRESHOLD;
    const result: AssociateFacesResult = {
      associatedFaces: [],
      unsuccessfulFaceAssociations: [],
      userStatus: 'ACTIVE',
    };
    const toAssociate: string[] = [];
    for (const id of ids) {
      const f = found.get(id);
      if (!f) {
        result.unsuccessfulFaceAssociations.push({ faceId: id, reasons: ['FACE_NOT_FOUND'] });
      } else if (f.userId === userId) {
        result.associatedFaces.push({ faceId: id });
      } else if (f.userId !== null) {
        result.unsuccessfulFaceAssociations.push({
          faceId: id,
          userId: f.userId,
          reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'],
        });
      } else {
        // A new face must look like the faces the user already has (none yet: it defines the user).
        const best = Math.max(-Infinity, ...existing.map((e) => ctx.engine.similarity(f.descriptor, e.descriptor)));
        if (existing.length && best < threshold) {
          result.unsuccessfulFaceAssociations.push({
            faceId: id,
            userId,
            confidence: Math.max(0, best),
            reasons: ['LOW_MATCH_CONFIDENCE'],
          });
        } else toAssociate.push(id);
      }
    }
    if (user.faceCount + toAssociate.length > MAX_FACES_PER_USER) {
      throw new FacegateError('SERVICE_QUOTA_EXCEEDED', `A user has at most ${MAX_FACES_PER_USER} faces`);
    }
    await ctx.metadata.setFaceUser(collectionId, toAssociate, userId);
    result.associatedFaces.push(...toAssociate.map((faceId) => ({ faceId })));
    result.userStatus = statusOf(user.faceCount + toAssociate.length);
    return result;
  });
}

export async function disassociateFaces(ctx: Ctx, input: DisassociateFacesRequest): Promise<DisassociateFacesResult> {
  const req = check(schemas.disassociateFaces, input);
  await requireCollection(ctx, req.collectionId);
  return once(ctx, 'DisassociateFaces', req, async () => {
    const { collectionId, userId } = req;
    const user = await requireUser(ctx, collectionId, userId);
    const ids = [...new Set(req.faceIds)];
    const found = new Map((await ctx.metadata.getFaces(collectionId, ids)).map((f) => [f.id, f]));
    const result: DisassociateFacesResult = {
      disassociatedFaces: [],
      unsuccessfulFaceDisassociations: [],
      userStatus: 'ACTIVE',
    };
    for (const id of ids) {
      const f = found.get(id);
      if (!f) result.unsuccessfulFaceDisassociations.push({ faceId: id, reasons: ['FACE_NOT_FOUND'] });
      else if (f.userId !== userId) {
        result.unsuccessfulFaceDisassociations.push({
          faceId: id,
          ...(f.userId !== null && { userId: f.userId }),
          reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'],
        });
      } else result.disassociatedFaces.push({ faceId: id });
    }
    const gone = result.disassociatedFaces.map((f) => f.faceId);
    await ctx.metadata.setFaceUser(collectionId, gone, null);
    result.userStatus = statusOf(user.faceCount - gone.length);
    return result;
  });
}

/** Users best matching any of `queries`, best first (ties by user id), at or above `threshold`. */
export async function matchUsers(
  ctx: Ctx,
  collectionId: string,
  queries: Float32Array[],
  opts: { maxUsers?: number; threshold?: number; excludeUser?: string },
): Promise<UserMatch[]> {
  const maxUsers = opts.maxUsers ?? 100;
  const threshold = opts.threshold ?? DEFAULT_SEARCH_THRESHOLD;
  const owners = await ctx.metadata.userFaces(collectionId);
  const accept = (id: string) => {
    const u = owners.get(id);
    return u !== undefined && u !== opts.excludeUser;
  };
  const best = new Map<string, number>();
  for (const q of queries) {
    // Each user has ≤ 100 faces, so the top maxUsers × 100 faces always hold the top maxUsers users.
    for (const hit of await ctx.vectors.search(collectionId, q, maxUsers * MAX_FACES_PER_USER, accept)) {
      const v = await ctx.vectors.get(collectionId, hit.id);
      const u = owners.get(hit.id)!;
      if (!v) continue;
      const s = ctx.engine.similarity(q, v);
      if (s < threshold) break; // hits are best first and the calibration is monotonic
      if (s > (best.get(u) ?? -Infinity)) best.set(u, s);
    }
  }
  const counts = new Map<string, number>();
  for (const u of owners.values()) counts.set(u, (counts.get(u) ?? 0) + 1);
  return [...best]
    .filter(([, s]) => s >= threshold)
    .sort(([ua, a], [ub, b]) => b - a || (ua < ub ? -1 : 1))
    .slice(0, maxUsers)
    .map(([userId, similarity]) => ({ similarity, user: { userId, userStatus: statusOf(counts.get(userId) ?? 0) } }));
}
