// The S3 endpoint wired to the container: the object store, which buckets are the apps' own (read-only), the
// pipelines bound to buckets (a write starts one run per object version, the tutorial's EventBridge rule) and the
// S3 event notification (`object.created`, `Records[].s3`) that subscriptions deliver, e.g. to webhooks.
import type { FastifyInstance } from 'fastify';
import type { Container } from '../../app/container.ts';
import type { KeyRing } from '../../auth/access.keys.ts';
import { S3Catalog } from './s3.catalog.ts';
import { buildS3App } from './s3.server.ts';
import type { ObjectCreated, S3Deps } from './s3.types.ts';

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** The S3 event notification S3 itself would send for this write. */
export function s3EventRecord(e: ObjectCreated, at: Date) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: e.region,
    eventTime: at.toISOString(),
    eventName: e.eventName,
    userIdentity: { principalId: e.principal },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: {},
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'facegate',
      bucket: { name: e.bucket, ownerIdentity: { principalId: 'facegate' }, arn: `arn:aws:s3:::${e.bucket}` },
      object: {
        key: encodeURIComponent(e.key).replace(/%2F/g, '/').replace(/%20/g, '+'),
        size: e.size,
        eTag: e.etag,
        sequencer: e.versionId.replace(/-/g, '').toUpperCase(),
      },
    },
  };
}

export async function s3Deps(container: Container): Promise<S3Deps> {
  const config = container.config;
  const objects = await container.get('objects');
  const readOnly = new Set(list(config.s3.readOnlyBuckets));
  const log = container.logger.child({ module: 's3' });
  const quotas = await container.get('bucketQuotas').catch(() => undefined);
  return {
    objects,
    catalog: new S3Catalog(objects),
    maxObjectBytes: config.s3.maxObjectBytes,
    readOnly,
    // Absent only when a test hands the container its own object store (then nothing is counted).
    ...(quotas ? { quotas } : {}),
    knownBuckets: async () => {
      const pipelines = await container
        .get('pipeline')
        .then((p) => p.service.list())
        .catch(() => []);
      return [...new Set([...readOnly, ...pipelines.map((p) => p.bucket)])];
    },
    objectCreated: async (e) => {
      // The write is acknowledged only once its runs and its event are durable; a failure here is logged, and the
      // object stays stored (S3 would not fail the PUT either).
      try {
        const p = await container.get('pipeline');
        const at = new Date();
        await p.service.objectCreated(e.bucket, e.key, { source: 'bucket', version: e.versionId });
        await p.outbox.append([
          { type: 'object.created', data: { bucket: e.bucket, key: e.key, Records: [s3EventRecord(e, at)] } },
        ]);
        p.notifications.kick();
      } catch (err) {
        log.error({ err, bucket: e.bucket, key: e.key }, 'could not start pipelines or notify for an S3 write');
      }
    },
  };
}

/** The S3 app for this container (not listening yet). */
export async function s3App(container: Container, keys: KeyRing | undefined): Promise<FastifyInstance> {
  return buildS3App({
    deps: await s3Deps(container),
    keys,
    logger: container.logger,
    maxClockSkewSeconds: container.config.auth.maxClockSkewSeconds,
    domains: list(container.config.s3.domains),
  });
}
