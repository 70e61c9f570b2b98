// The REST API under /v1: content-type parsers with the image limits, authentication and rate limits, the routes of
// every app (each a list of specs), the OpenAPI document and its reference page, and `{code, message}` errors.
// Register with `app.register(restPlugin(options))`; the plugin adds the /v1 prefix itself.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { FacegateError } from '../../errors.ts';
import { assertJsonDepth } from '../../server/json.depth.ts';
import { pathOnly } from '../../server/log.redact.ts';
import { RAW_IMAGE_TYPES, readLimited } from './image.input.ts';
import { openApiDocument } from './openapi.document.ts';
import { REFERENCE_PAGE, REFERENCE_PAGE_CSP } from './openapi.page.ts';
import { authHook, type AuthOptions } from './rest.auth.ts';
import { sendRest } from './rest.errors.ts';
import type { RestAudit } from './rest.audit.ts';
import { registerRoute, type AnyRouteSpec } from './rest.route.ts';

export interface RestPluginOptions extends AuthOptions {
  /** Inline image limit (bytes): raw bodies, multipart files, decoded base64. */
  maxImageBytes: number;
  /** Every route of every app, already built from its services. */
  routes: AnyRouteSpec[];
  version: string;
  /** Most photos one multipart request may carry (registration with several photos). */
  maxFilesPerRequest?: number;
  /** The audit log and the describers of biometric routes (absent: nothing is audited, as in unit harnesses). */
  audit?: RestAudit;
}

const JSON_LIMIT = 256 * 1024;

export function restPlugin(options: RestPluginOptions): FastifyPluginAsync {
  const document = openApiDocument(options.routes, { version: options.version });
  const v1 = async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler((e, request, reply) => sendRest(request, reply, e));
    app.setNotFoundHandler((request, reply) =>
      sendRest(
        request,
        reply,
        new FacegateError('ROUTE_NOT_FOUND', `No route ${request.method} ${pathOnly(request.url)}`),
      ),
    );
    // JSON: nesting depth checked before the parser runs (fastify's own parser, with its prototype-poisoning guard).
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      try {
        assertJsonDepth(body as string);
      } catch (e) {
        done(e as Error, undefined);
        return;
      }
      void parseJson(request, body as string, done);
    });
    // Raw image bodies: read with the image limit whatever the route's JSON limit is.
    app.addContentTypeParser(RAW_IMAGE_TYPES, async (request: FastifyRequest, payload: IncomingMessage) => {
      const declared = Number(request.headers['content-length']);
      const limit = request.routeOptions.config.rawLimit ?? options.maxImageBytes;
      return readLimited(payload, limit, Number.isFinite(declared) ? declared : undefined);
    });
    await app.register(multipart, {
      limits: {
        fileSize: options.maxImageBytes,
        files: options.maxFilesPerRequest ?? 10,
        fields: 50,
        fieldSize: 64 * 1024,
      },
    });
    app.addHook('onRequest', authHook(options));

    app.get('/openapi.json', { config: { access: 'public' } }, async () => document);
    app.get('/docs', { config: { access: 'public' } }, async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', REFERENCE_PAGE_CSP)
        .header('x-content-type-options', 'nosniff')
        .send(REFERENCE_PAGE),
    );
    for (const spec of options.routes)
      registerRoute(app, { ...spec, bodyLimit: spec.bodyLimit ?? JSON_LIMIT }, options.audit);
  };
  return async (app) => {
    await app.register(v1, { prefix: '/v1' });
  };
}
