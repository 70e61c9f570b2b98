// The REST API as the server mounts it: services come from the container lazily (the server answers before the
// models are loaded; routes needing them answer 503 NOT_READY until then), auth settings from the config.
import type { FastifyPluginAsync } from 'fastify';
import type { Container } from '../../app/container.ts';
import { createJwtVerifier, type JwtVerifier } from './keys/jwt.verifier.ts';
import { DailyCounter } from './keys/daily.counter.ts';
import { RateLimiter } from './keys/rate.limiter.ts';
import { restAuditDescribers } from './rest.audit.ts';
import { restPlugin } from './rest.plugin.ts';
import { admitAnalysis } from './rest.admission.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { livenessRestRoutes } from './routes/liveness.routes.ts';
import { privacyRoutes } from './routes/privacy.routes.ts';
import { retentionRoutes } from './routes/retention.routes.ts';
import { keysRoutes } from './routes/keys.routes.ts';
import { sharpThumbnailer } from '../../apps/sharp.thumbnailer.ts';
import { bucketsRoutes } from './routes/buckets.routes.ts';
import { collectionsRoutes } from './routes/collections.routes.ts';
import { doorRoutes } from './routes/door.routes.ts';
import { peopleRoutes } from './routes/people.routes.ts';
import { pipelineRoutes } from './routes/pipeline.routes.ts';
import { proctorRoutes } from './routes/proctor.routes.ts';
import { uploadsRoutes } from './routes/uploads.routes.ts';
import { camerasRoutes } from './routes/cameras.routes.ts';

const VERSION = '1.0.0';

function jwtFrom(config: Container['config']): JwtVerifier | undefined {
  const { jwtIssuer, jwtJwksUrl, jwtJwksFile, jwtAudience } = config.rest;
  if (!jwtIssuer) return undefined;
  return createJwtVerifier({ issuer: jwtIssuer, jwksUrl: jwtJwksUrl, jwksFile: jwtJwksFile, audience: jwtAudience });
}

export function restApi(container: Container, options: { noAuth: boolean }): FastifyPluginAsync {
  return async (app) => {
    const { config } = container;
    const max = config.images.maxInlineBytes;
    const keys = await container.get('restKeys');
    const apps = () => container.get('apps');
    await app.register(
      restPlugin({
        keys,
        jwt: jwtFrom(config),
        limiter: new RateLimiter(config.rest.ratePerSecond, config.rest.burst),
        admit: admitAnalysis(container.admission),
        tokenQuota: new DailyCounter(config.rest.defaultDailyQuota),
        disabled: options.noAuth || config.auth.disabled,
        publicReads: config.rest.publicReads,
        appCollections: {
          verify: config.apps.verifyCollection,
          proctor: config.apps.proctorCollection,
          uploads: 'uploads',
        },
        collectionApps: async (collectionId) => {
          // Doors and pipelines name their collections; a part that is not loaded owns nothing (yet).
          const [doors, pipelines] = await Promise.all([
            container
              .get('door')
              .then((d) => d.service.listDoors())
              .catch(() => []),
            container
              .get('pipeline')
              .then((p) => p.service.list())
              .catch(() => []),
          ]);
          return [
            ...(doors.some((d) => d.collectionId === collectionId) ? (['door'] as const) : []),
            ...(pipelines.some((p) => p.collectionId === collectionId) ? (['pipeline'] as const) : []),
          ];
        },
        maxImageBytes: max,
        audit: {
          recorder: async () => (await container.get('governance')).audit,
          describers: restAuditDescribers({
            verify: config.apps.verifyCollection,
            proctor: config.apps.proctorCollection,
            uploads: 'uploads',
          }),
        },
        version: VERSION,
        routes: [
          ...keysRoutes(keys),
          ...peopleRoutes(
            async () => (await apps()).verify,
            max,
            async (id) => (await container.get('privacy')).erasePerson(id),
          ),
          ...privacyRoutes({
            privacy: () => container.get('privacy'),
            consent: async () => (await container.get('governance')).consent,
          }),
          ...uploadsRoutes(async () => (await apps()).uploads, max),
          ...proctorRoutes(async () => (await apps()).proctor, max),
          ...collectionsRoutes(() => container.get('collections'), apps, sharpThumbnailer()),
          ...pipelineRoutes(() => container.get('pipeline'), max, config.images.maxObjectBytes),
          ...bucketsRoutes(() => container.get('bucketQuotas')),
          ...doorRoutes(
            () => container.get('door'),
            () => container.get('visitorPrivacy'),
          ),
          ...camerasRoutes(() => container.get('cameras'), max),
          ...auditRoutes(async () => (await container.get('governance')).audit),
          ...retentionRoutes(() => container.get('retention')),
          ...livenessRestRoutes({
            liveness: () => container.get('liveness'),
            person: async (id) => (await apps()).verify.get(id),
            peopleCollection: config.apps.verifyCollection,
          }),
        ],
      }),
    );
  };
}
