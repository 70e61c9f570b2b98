// GET /metrics (Prometheus text format) and the request counters behind it. Operations are labelled by what the
// server knows, never by raw client input: a Rekognition operation name from the dispatch table, a REST route
// pattern (/v1/collections/:id, not the id), else "unmatched" — so a scan of random URLs cannot explode the series.
// Auth: when FACEGATE_METRICS_TOKEN is set, the scraper must send `Authorization: Bearer <token>`; unset, the page is
// open, as is usual for a scrape port on a private network (the page holds counts and collection ids, no secrets).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OPERATIONS } from '../api/rekognition/rekognition.operations.ts';
import type { Container } from '../app/container.ts';
import type { Metrics } from '../metrics/metrics.registry.ts';

function operationOf(request: FastifyRequest): { api: string; operation: string } {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string' && request.url === '/') {
    const name = target.slice(target.indexOf('.') + 1);
    return { api: 'rekognition', operation: Object.hasOwn(OPERATIONS, name) ? name : 'unknown' };
  }
  const route = request.routeOptions.url;
  if (!route) return { api: 'other', operation: 'unmatched' };
  return { api: route.startsWith('/v1') ? 'rest' : 'other', operation: `${request.method} ${route}` };
}

/** Counts and times every response (installed on the root instance, like the error handler). */
export function installRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.url === '/metrics') return;
    const { api, operation } = operationOf(request);
    metrics.requests.inc({ api, operation, status: String(reply.statusCode) });
    metrics.requestSeconds.observe({ api, operation }, reply.elapsedTime / 1000);
  });
}

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function metricsRoutes(container: Container) {
  return async (app: FastifyInstance): Promise<void> => {
    const token = container.config.metrics.token;
    app.get('/metrics', async (request, reply) => {
      if (token) {
        const auth = request.headers.authorization ?? '';
        if (!auth.startsWith('Bearer ') || !sameSecret(auth.slice(7), token)) {
          return reply
            .code(401)
            .header('www-authenticate', 'Bearer realm="metrics"')
            .send({ code: 'UNAUTHENTICATED', message: 'A bearer token is required for /metrics' });
        }
      }
      const { body, contentType } = await container.metrics.render();
      return reply.header('content-type', contentType).send(body);
    });
  };
}
