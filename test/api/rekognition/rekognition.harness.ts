// Test harness: a real Facegate HTTP server on port 0 with a temp data dir, and clients that speak to it the way
// users do (the AWS SDK, or hand-signed fetches for requests the SDK will not make).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { SignatureV4 } from '@smithy/signature-v4';
import type { FastifyInstance } from 'fastify';
import { createContainer, type Container, type ContainerOptions } from '../../../src/app/container.ts';
import type { KeyRing } from '../../../src/auth/access.keys.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { createLogger } from '../../../src/logger.ts';
import { buildApp } from '../../../src/server/app.ts';
import { NodeSha256 } from '../../helpers/sha256.helper.ts';

export const KEY = { accessKeyId: 'AKFGTESTKEY000000001', secretAccessKey: 'test-secret-for-the-e2e-suite-0123456789' };
export const keys: KeyRing = {
  find: (id) => (id === KEY.accessKeyId ? KEY : undefined),
  ids: [KEY.accessKeyId],
  source: 'config',
};

export interface Harness {
  url: string;
  app: FastifyInstance;
  container: Container;
  dataDir: string;
  client(overrides?: Partial<ConstructorParameters<typeof RekognitionClient>[0]>): RekognitionClient;
  /** A request signed with KEY (or the given credentials), for targets and bodies the SDK would not send. */
  signedFetch(target: string, body: string, credentials?: typeof KEY): Promise<Response>;
  close(): Promise<void>;
}

/** `env` holds FACEGATE_* settings for this server (the process environment is not read). */
export async function startServer(options: ContainerOptions = {}, env: Record<string, string> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-e2e-'));
  const config = loadConfig(env, { dataDir, server: { host: '127.0.0.1', port: '0' } });
  const container = createContainer(config, createLogger('silent'), options);
  const app = await buildApp(container, { keys });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const clients: RekognitionClient[] = [];
  return {
    url,
    app,
    container,
    dataDir,
    client(overrides = {}) {
      const c = new RekognitionClient({
        endpoint: url,
        region: 'eu-west-3',
        credentials: KEY,
        maxAttempts: 1,
        ...overrides,
      });
      clients.push(c);
      return c;
    },
    async signedFetch(target, body, credentials = KEY) {
      const u = new URL(url);
      const signer = new SignatureV4({ service: 'rekognition', region: 'us-east-1', credentials, sha256: NodeSha256 });
      const req = await signer.sign({
        method: 'POST',
        protocol: 'http:',
        hostname: u.hostname,
        port: Number(u.port),
        path: '/',
        query: {},
        headers: { host: u.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
        body,
      });
      return fetch(url + '/', { method: 'POST', headers: req.headers, body });
    },
    async close() {
      for (const c of clients) c.destroy();
      await app.close();
      await container.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
