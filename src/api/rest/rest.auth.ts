// Who is calling: an API key (`x-api-key`), a bearer JWT (`Authorization: Bearer …`), or nobody. Runs on every /v1
// request before the body is read, so refused uploads are never streamed in. Also applies the per-principal rate limit.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FacegateError } from '../../errors.ts';
import type { ApiKeyService, KeyPrincipal } from './keys/apikey.service.ts';
import type { DailyCounter } from './keys/daily.counter.ts';
import type { JwtPrincipal, JwtVerifier } from './keys/jwt.verifier.ts';
import type { RateLimiter } from './keys/rate.limiter.ts';

export interface AnonymousPrincipal {
  kind: 'anonymous';
  id: string;
  name: string;
  /** 'admin' only when authentication is switched off explicitly. */
  role: 'admin' | 'user';
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
    const access = request.routeOptions.config.access ?? 'write';
    if (options.disabled) {
      request.principal = { kind: 'anonymous', id: 'anonymous', name: 'anonymous', role: 'admin' };
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
    if (access === 'admin' && principal?.role !== 'admin') {
      throw new FacegateError('ACCESS_DENIED', 'This operation needs an admin key');
    }
    request.principal = principal ?? { kind: 'anonymous', id: request.ip, name: 'anonymous', role: 'user' };
    const rate = options.limiter.take(`${request.principal.kind}:${request.principal.id}`);
    if (!rate.allowed) {
      throw new FacegateError('THROTTLED', 'Rate limit exceeded; retry later', {
        details: { retryAfter: rate.retryAfter },
      });
    }
    await countQuota(principal, options);
  };
}
