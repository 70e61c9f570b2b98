// Who is calling: an API key (`x-api-key`), a bearer JWT (`Authorization: Bearer …`), or nobody. Runs on every /v1
// request before the body is read, so refused uploads are never streamed in. Decides, in this one place, whether the
// principal's role and scope allow the route (its `access` and `scope`), and applies the per-principal rate limit.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FacegateError } from '../../errors.ts';
import type { AppName, KeyScope, Role } from './keys/apikey.port.ts';
import type { ApiKeyService, KeyPrincipal } from './keys/apikey.service.ts';
import type { DailyCounter } from './keys/daily.counter.ts';
import type { JwtPrincipal, JwtVerifier } from './keys/jwt.verifier.ts';
import type { RateLimiter } from './keys/rate.limiter.ts';
import type { Access, RouteScope } from './rest.route.ts';

export interface AnonymousPrincipal {
  kind: 'anonymous';
  id: string;
  name: string;
  /** 'admin' only when authentication is switched off explicitly; else public reads, a reader's GETs. */
  role: Role;
  scope: KeyScope;
}

export type Principal = KeyPrincipal | JwtPrincipal | AnonymousPrincipal;

export interface AuthOptions {
  keys: ApiKeyService;
  jwt?: JwtVerifier;
  limiter: RateLimiter;
  /** Daily quota of bearer-token subjects (API keys carry their own); absent = unlimited. */
  tokenQuota?: DailyCounter;
  /** `facegate serve --no-auth`: everything is allowed, nothing is counted. */
  disabled: boolean;
  publicReads: boolean;
  /** The collection of each app that has one, for collection-scoped keys on routes that name no collection. */
  appCollections?: Partial<Record<AppName, string>>;
  /** Admission of image-analysing routes (rest.admission.ts): throws THROTTLED, before the quota is counted. */
  admit?: (request: FastifyRequest, reply: FastifyReply) => void;
  /** The apps using a collection beyond those (doors', pipelines'), for consent routes of app-scoped keys. */
  collectionApps?: (collectionId: string) => Promise<AppName[]>;
}

/** The weakest role each access level admits; roles are ordered reader < operator < admin. */
const NEEDS: Record<Exclude<Access, 'public'>, Role> = { read: 'reader', write: 'operator', admin: 'admin' };
const RANK: Record<Role, number> = { reader: 0, operator: 1, admin: 2 };

/** The weakest role a route's access level admits (undefined: public). */
export const roleFor = (access: Access): Role | undefined => (access === 'public' ? undefined : NEEDS[access]);

/** ACCESS_DENIED when the role is below the route's level. */
export function checkRole(role: Role, access: Access): void {
  if (access === 'public') return;
  const needs = NEEDS[access];
  if (RANK[role] < RANK[needs]) {
    throw new FacegateError('ACCESS_DENIED', `This operation needs the ${needs} role; the key is a ${role}`, {
      details: { needs, role },
    });
  }
}

/** Where a scoped key's limits are looked up: the apps' own collections, and who owns any other collection. */
export interface ScopeLookups {
  /** The collection of each app that has one, for collection-scoped keys on routes that name no collection. */
  appCollections?: Partial<Record<AppName, string>>;
  /** The apps using a collection beyond those (a door's, a pipeline's), for routes that belong to its owners. */
  collectionApps?: (collectionId: string) => Promise<AppName[]>;
}

const listOf = (app: RouteScope['app']): readonly AppName[] =>
  app === undefined ? [] : typeof app === 'string' ? [app] : app;

/** The apps owning a collection: the apps whose own collection it is, and those the lookup names. */
async function ownersOf(collection: string | undefined, lookups: ScopeLookups): Promise<AppName[]> {
  if (!collection) return [];
  const own = Object.entries(lookups.appCollections ?? {})
    .filter(([, c]) => c === collection)
    .map(([a]) => a as AppName);
  return [...new Set([...own, ...((await lookups.collectionApps?.(collection)) ?? [])])];
}

/** SCOPE_DENIED when a scoped principal reaches an app or collection outside its lists. */
export async function checkScope(
  scope: KeyScope,
  route: RouteScope | undefined,
  url: { params: Record<string, unknown>; query: Record<string, unknown> },
  lookups: ScopeLookups = {},
): Promise<void> {
  if (route?.unscoped || (!scope.apps && !scope.collections)) return;
  // Looked up only when needed: a resolver may read the resource (a door, a pipeline) the URL names.
  const needsCollection = route?.ownerApps || (scope.collections && !route?.listing && !route?.noCollection);
  const named = route?.collection && needsCollection ? await route.collection(url) : undefined;
  const apps = route?.ownerApps ? await ownersOf(named, lookups) : listOf(route?.app);
  if (scope.apps && !apps.some((a) => scope.apps!.includes(a))) {
    const belongs = apps.length ? apps.join(', ') : 'no app';
    throw new FacegateError(
      'SCOPE_DENIED',
      `This key is limited to the apps ${scope.apps.join(', ')}; this operation belongs to ${belongs}`,
      { details: { apps: scope.apps, app: apps.length === 1 ? apps[0] : apps.length ? apps : null } },
    );
  }
  if (!scope.collections || route?.listing || route?.noCollection) return;
  const only = apps.length === 1 ? apps[0] : undefined;
  const collection = route?.collection ? named : only ? lookups.appCollections?.[only] : undefined;
  if (!collection || !scope.collections.includes(collection)) {
    throw new FacegateError(
      'SCOPE_DENIED',
      collection
        ? `This key is limited to the collections ${scope.collections.join(', ')}, not ${collection}`
        : `This key is limited to the collections ${scope.collections.join(', ')}; this operation is not bound to one`,
      { details: { collections: scope.collections, collection: collection ?? null } },
    );
  }
}

/** Whether a listing shows an item of this collection to the caller (scoped keys see their collections only). */
export function seesCollection(principal: Principal | undefined, collectionId: string): boolean {
  const allowed = principal?.scope.collections;
  return !allowed || allowed.includes(collectionId);
}

/** Who presented what; nothing is counted here (a request refused later must not use up the quota). */
async function identify(request: FastifyRequest, options: AuthOptions): Promise<Principal | undefined> {
  const key = request.headers['x-api-key'];
  if (typeof key === 'string' && key !== '') return options.keys.verify(key);
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) {
    if (!options.jwt) throw new FacegateError('UNAUTHENTICATED', 'Bearer tokens are not configured on this server');
    return options.jwt(auth.slice('Bearer '.length).trim());
  }
  return undefined;
}

/** The daily quota, counted once the request passed every other check and will be served. */
async function countQuota(principal: Principal | undefined, options: AuthOptions): Promise<void> {
  if (principal?.kind === 'key') await options.keys.countRequest(principal);
  else if (principal?.kind === 'jwt') options.tokenQuota?.count(principal.id);
}

export function authHook(options: AuthOptions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // No declared access: no route matched. A principal is still needed, then the answer is 404, not a refusal.
    const declared = request.routeOptions.config.access;
    const access = declared ?? 'write';
    if (options.disabled) {
      request.principal = { kind: 'anonymous', id: 'anonymous', name: 'anonymous', role: 'admin', scope: {} };
      options.admit?.(request, reply);
      return;
    }
    const principal = await identify(request, options);
    // Public reads cover listings and lookups (GET) only: a 'read' route that takes a body is a biometric operation
    // (identify, verify, search, proctor checks) and always needs a principal.
    const safeMethod = request.method === 'GET' || request.method === 'HEAD';
    const anonymousOk = access === 'public' || (access === 'read' && options.publicReads && safeMethod);
    if (!principal && !anonymousOk) {
      reply.header('www-authenticate', 'Bearer, ApiKey header="x-api-key"');
      throw new FacegateError('UNAUTHENTICATED', 'An API key (x-api-key header) or a bearer token is required');
    }
    if (principal && declared && declared !== 'public') {
      checkRole(principal.role, declared);
      const url = {
        params: (request.params ?? {}) as Record<string, unknown>,
        query: (request.query ?? {}) as Record<string, unknown>,
      };
      await checkScope(principal.scope, request.routeOptions.config.scope, url, options);
    }
    request.principal = principal ?? {
      kind: 'anonymous',
      id: request.ip,
      name: 'anonymous',
      role: 'reader',
      scope: {},
    };
    const rate = options.limiter.take(`${request.principal.kind}:${request.principal.id}`);
    if (!rate.allowed) {
      throw new FacegateError('THROTTLED', 'Rate limit exceeded; retry later', {
        details: { retryAfter: rate.retryAfter },
      });
    }
    options.admit?.(request, reply);
    await countQuota(principal, options);
  };
}
