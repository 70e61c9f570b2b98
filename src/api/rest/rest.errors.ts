// Error rendering for /v1: every failure as `{ code, message }` (plus safe `details`) with the catalogue's status.
// Fastify's and @fastify/multipart's own errors are mapped to catalogue codes; Retry-After accompanies every 429.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FacegateError, toFacegateError } from '../../errors.ts';

function fromFramework(e: FastifyError): FacegateError | undefined {
  const code = e.code ?? '';
  if (typeof e.statusCode !== 'number' || e.statusCode >= 500 || !code.startsWith('FST_')) return undefined;
  if (e.statusCode === 413 || code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new FacegateError('PAYLOAD_TOO_LARGE', undefined, { cause: e });
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return new FacegateError('UNSUPPORTED_MEDIA_TYPE', undefined, { cause: e });
  }
  return new FacegateError('INVALID_PARAMETER', e.message, { cause: e });
}

export function toRestError(e: unknown): FacegateError {
  if (e instanceof FacegateError) return e;
  return fromFramework(e as FastifyError) ?? toFacegateError(e);
}

export function sendRest(request: FastifyRequest, reply: FastifyReply, e: unknown): FastifyReply {
  const err = toRestError(e);
  if (err.status >= 500) request.log.error({ err: e }, 'request failed');
  else request.log.info({ code: err.code, msg: err.message }, 'request refused');
  const retryAfter = err.details?.retryAfter;
  if (err.status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  const message = err.status >= 500 && err.code === 'INTERNAL' ? 'Internal server error' : err.message;
  return reply.code(err.status).send({ code: err.code, message, ...(err.details ? { details: err.details } : {}) });
}
