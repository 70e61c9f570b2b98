// The HTTP server's composition: one fastify instance, request ids and a request-scoped logger, body limits, the
// health routes, the one error handler, and the list of API plugins. Every route lives in its part's plugin.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { rekognitionPlugin } from '../api/rekognition/rekognition.plugin.ts';
import { restApi } from '../api/rest/rest.composition.ts';
import type { Container } from '../app/container.ts';
import { rolePlan } from '../app/deployment.ts';
import { webConsole } from '../web/web.plugin.ts';
import { livenessRoutes } from '../api/liveness/liveness.routes.ts';
import type { KeyRing } from '../auth/access.keys.ts';
import { installBodyBudget } from './body.budget.ts';
import { installErrorHandling } from './error.handler.ts';
import { healthRoutes } from './health.routes.ts';
import { requestSerializer } from './log.redact.ts';
import { installRequestMetrics, metricsRoutes } from './metrics.routes.ts';

/** Either the SigV4 keys to verify against, or an explicit opt-out (`facegate serve --no-auth`). */
export type AppOptions = { keys: KeyRing; noAuth?: false } | { keys?: undefined; noAuth: true };

/** Room for the base64 of the largest stored-object image (4/3 of the bytes) plus JSON around it. */
export function bodyLimitFor(maxObjectBytes: number): number {
  return Math.ceil((maxObjectBytes * 4) / 3) + 256 * 1024;
}

export async function buildApp(container: Container, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the instance typed with fastify's default logger type.
    loggerInstance: container.logger.child(
      { module: 'http' },
      { serializers: { req: requestSerializer } },
    ) as FastifyBaseLogger,
    bodyLimit: bodyLimitFor(container.config.images.maxObjectBytes),
    // Ids are ours, never the client's: a client-chosen id could collide or smuggle text into logs.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    requestTimeout: container.config.server.requestTimeoutSeconds * 1000,
    // request.ip is then the client address the trusted proxies forwarded (the liveness lockout keys on it).
    ...(container.config.server.trustProxy ? { trustProxy: container.config.server.trustProxy } : {}),
  });
  app.addHook('onRequest', async (request, reply) => {
    // The AWS SDK reports this as $metadata.requestId.
    reply.header('x-amzn-requestid', request.id);
    // API responses carry names, e-mails and face photos: never cached, never sniffed, no referrer sent on.
    // Routes with cacheable content (the console's static files) set their own Cache-Control.
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });
  installErrorHandling(app);
  installBodyBudget(app, { maxBytes: container.config.server.maxBodyBytesInFlight });
  installRequestMetrics(app, container.metrics);

  await app.register(healthRoutes(container));
  await app.register(metricsRoutes(container));
  // A worker process serves only the health and metrics routes above (facegate serve --role worker).
  if (rolePlan(container.config.server.role).http === 'health') return app;

  // ---- API plugins: one line per part. ----
  await app.register(rekognitionPlugin(container, { keys: options.keys }));
  // The pipeline's REST routes are part of the REST plugin below.
  // The REST API under /v1 (its own API keys / JWTs; SigV4 is for the Rekognition protocol only).
  await app.register(restApi(container, { noAuth: options.noAuth === true }));
  await app.register(webConsole());
  await app.register(livenessRoutes(container));
  return app;
}
