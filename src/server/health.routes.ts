// Liveness and readiness. /healthz answers as long as the process serves HTTP; /readyz only once the models are
// loaded, so a load balancer or `docker compose` health check holds traffic back during start-up.
import type { FastifyInstance } from 'fastify';
import type { Container } from '../app/container.ts';

export function healthRoutes(container: Container) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_request, reply) => {
      const ready = container.isReady();
      const parts = container.status();
      // Cameras do not gate readiness (the APIs work without them), but their state and ffmpeg's are shown.
      const cameras = parts.cameras?.status === 'ready' ? (await container.get('cameras')).health() : undefined;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'starting', parts, cameras });
    });
  };
}
