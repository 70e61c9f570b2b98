// Backpressure on request bodies: large bodies (images, base64 JSON) reserve their size from one budget for the whole
// server before a byte is read, and give it back when the response is done. Past the budget a request is answered at
// once with 429 + Retry-After (ThrottlingException on the Rekognition protocol, which the SDKs retry with backoff),
// so that many concurrent uploads cannot hold gigabytes of bodies, parsed JSON and decoded images at once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FacegateError } from '../errors.ts';

export interface BodyBudgetOptions {
  /** Bytes of request bodies the server holds at once (declared Content-Length, or the route's limit if chunked). */
  maxBytes: number;
  /** Bodies below this many bytes are not counted: JSON requests without images never wait on uploads. */
  largeFrom?: number;
  /** Seconds a refused client is told to wait. */
  retryAfterSeconds?: number;
}

export interface BodyBudget {
  readonly used: number;
  hook(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

export function bodyBudget(o: BodyBudgetOptions): BodyBudget {
  const largeFrom = o.largeFrom ?? 1024 * 1024;
  let used = 0;
  return {
    get used() {
      return used;
    },
    async hook(request, reply) {
      const declared = Number(request.headers['content-length']);
      const chunked = !Number.isFinite(declared) && request.headers['transfer-encoding'] !== undefined;
      // A chunked body may grow to the route's limit, so that much is reserved.
      const size = chunked ? (request.routeOptions.bodyLimit ?? largeFrom) : Number.isFinite(declared) ? declared : 0;
      // Past the route's own limit fastify answers 413 from the header; reserving would turn that into a retry loop.
      const limit = request.routeOptions.bodyLimit;
      if (size < largeFrom || (limit !== undefined && size > limit)) return;
      if (used + size > o.maxBytes) {
        reply.header('retry-after', String(o.retryAfterSeconds ?? 1));
        throw new FacegateError('THROTTLED', 'Too many large requests in flight; retry after the Retry-After delay');
      }
      used += size;
      // 'close' fires once per response whether it finished, failed or the client went away.
      reply.raw.once('close', () => {
        used -= size;
      });
    },
  };
}

/** Installs one budget for every route of `app` (and its child plugins). */
export function installBodyBudget(app: FastifyInstance, o: BodyBudgetOptions): BodyBudget {
  const budget = bodyBudget(o);
  app.addHook('onRequest', budget.hook);
  return budget;
}
