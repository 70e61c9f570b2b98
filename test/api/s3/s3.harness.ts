// Test harness: a real Facegate server (Rekognition + STS on the main port) and its S3 endpoint on an ephemeral
// port, over one container, with clients configured as users configure them: endpoint and credentials only.
import { S3Client } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { s3App } from '../../../src/api/s3/s3.composition.ts';
import type { ContainerOptions } from '../../../src/app/container.ts';
import { KEY, keys, startServer, type Harness } from '../rekognition/rekognition.harness.ts';

export { KEY };

export interface S3Harness extends Harness {
  s3Url: string;
  s3App: FastifyInstance;
  s3(overrides?: Partial<ConstructorParameters<typeof S3Client>[0]>): S3Client;
}

export async function startS3Server(
  options: ContainerOptions = {},
  env: Record<string, string> = {},
): Promise<S3Harness> {
  const h = await startServer(options, env);
  const app = await s3App(h.container, keys);
  const s3Url = await app.listen({ host: '127.0.0.1', port: 0 });
  const clients: S3Client[] = [];
  return {
    ...h,
    s3Url,
    s3App: app,
    s3(overrides = {}) {
      const c = new S3Client({
        endpoint: s3Url,
        region: 'eu-west-3',
        credentials: KEY,
        forcePathStyle: true,
        maxAttempts: 1,
        ...overrides,
      });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.destroy();
      await app.close();
      await h.close();
    },
  };
}
