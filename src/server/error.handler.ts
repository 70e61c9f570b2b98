// The one error handler. Every failure becomes a FacegateError and is rendered either as the AWS JSON 1.1 error the
// SDK parses (routes marked `config: { errorFormat: 'aws' }`) or as the REST `{ code, message }` body elsewhere.
// A 500 never shows its cause: the client sees the catalogue message, the log keeps the stack with the request id.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FacegateError, toFacegateError } from '../errors.ts';

export type ErrorFormat = 'rest' | 'aws';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How errors on this route are rendered; REST unless a route says otherwise. */
    errorFormat?: ErrorFormat;
  }
}

/** Fastify's own errors (body parsing, limits, schema) carry a 4xx statusCode and an FST_ code. */
function fromFastify(e: FastifyError): FacegateError | undefined {
  if (typeof e.statusCode !== 'number' || e.statusCode >= 500 || !e.code?.startsWith('FST_')) return undefined;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new FacegateError('PAYLOAD_TOO_LARGE', undefined, { cause: e });
  return new FacegateError('INVALID_PARAMETER', e.message, { cause: e });
}

export function normalizeError(e: unknown): FacegateError {
  if (e instanceof FacegateError) return e;
  return fromFastify(e as FastifyError) ?? toFacegateError(e);
}

/** A refusal that says when to come back (THROTTLED and quotas carry details.retryAfter, whole seconds). */
function retryAfter(reply: FastifyReply, err: FacegateError): void {
  const seconds = err.details?.retryAfter;
  if (err.status === 429 && typeof seconds === 'number') reply.header('retry-after', String(seconds));
}

/**
 * The AWS JSON protocol: 400 for every client fault, the catalogue status (500/503) for server faults. Throttling
 * carries Retry-After, which the SDKs' retry strategies honour.
 */
export function sendAwsError(reply: FastifyReply, err: FacegateError): FastifyReply {
  const status = err.status >= 500 ? err.status : 400;
  retryAfter(reply, err);
  return reply
    .code(status)
    .header('x-amzn-errortype', err.aws)
    .header('content-type', 'application/x-amz-json-1.1')
    .send(Buffer.from(JSON.stringify({ __type: err.aws, message: publicMessage(err) })));
}

export function sendRestError(reply: FastifyReply, err: FacegateError): FastifyReply {
  retryAfter(reply, err);
  return reply
    .code(err.status)
    .send({ code: err.code, message: publicMessage(err), ...(err.details ? { details: err.details } : {}) });
}

function publicMessage(err: FacegateError): string {
  return err.code === 'INTERNAL' ? 'Internal server error' : err.message;
}

function render(request: FastifyRequest, reply: FastifyReply, e: unknown): FastifyReply {
  const err = normalizeError(e);
  if (err.status >= 500) request.log.error({ err: e }, 'request failed');
  else request.log.info({ code: err.code, reason: err.message }, 'request refused');
  return request.routeOptions.config.errorFormat === 'aws' ? sendAwsError(reply, err) : sendRestError(reply, err);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((e, request, reply) => render(request, reply, e));
  app.setNotFoundHandler((request, reply) => {
    const err = new FacegateError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`);
    // An unrouted request to the Rekognition protocol (X-Amz-Target present) still gets the AWS error shape.
    if (request.headers['x-amz-target']) return sendAwsError(reply, err);
    return sendRestError(reply, err);
  });
}
