// Builds an in-process fastify app with the REST plugin over a real (in-memory SQLite) key store, for inject() tests.
import Database from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { ApiKeyService } from '../../../src/api/rest/keys/apikey.service.ts';
import { sqliteApiKeyStore } from '../../../src/api/rest/keys/apikey.sqlite.ts';
import { DailyCounter } from '../../../src/api/rest/keys/daily.counter.ts';
import type { JwtVerifier } from '../../../src/api/rest/keys/jwt.verifier.ts';
import { RateLimiter } from '../../../src/api/rest/keys/rate.limiter.ts';
import type { RestAudit } from '../../../src/api/rest/rest.audit.ts';
import { restPlugin, type RestPluginOptions } from '../../../src/api/rest/rest.plugin.ts';
import type { AnyRouteSpec } from '../../../src/api/rest/rest.route.ts';
import { keysRoutes } from '../../../src/api/rest/routes/keys.routes.ts';

export interface Harness {
  app: FastifyInstance;
  keys: ApiKeyService;
  /** An admin key and an operator key (the former 'user' role), ready to send in x-api-key. */
  admin: string;
  user: string;
  clock: { ms: number };
  close(): Promise<void>;
}

export interface HarnessOptions {
  routes?: (keys: ApiKeyService) => AnyRouteSpec[];
  maxImageBytes?: number;
  defaultDailyQuota?: number;
  ratePerSecond?: number;
  burst?: number;
  jwt?: JwtVerifier;
  /** Daily quota of JWT subjects. */
  tokenQuota?: number;
  publicReads?: boolean;
  disabled?: boolean;
  audit?: RestAudit;
  appCollections?: RestPluginOptions['appCollections'];
}

export async function harness(o: HarnessOptions = {}): Promise<Harness> {
  const db = new Database(':memory:');
  const clock = { ms: Date.parse('2026-01-01T12:00:00Z') };
  const keys = new ApiKeyService({
    store: sqliteApiKeyStore(db),
    defaultDailyQuota: o.defaultDailyQuota ?? 0,
    now: () => new Date(clock.ms),
  });
  const admin = (await keys.create({ name: 'admin', role: 'admin' })).key;
  const user = (await keys.create({ name: 'user' })).key;
  const app = Fastify({ logger: false });
  await app.register(
    restPlugin({
      keys,
      jwt: o.jwt,
      tokenQuota: o.tokenQuota ? new DailyCounter(o.tokenQuota, () => new Date(clock.ms)) : undefined,
      limiter: new RateLimiter(o.ratePerSecond ?? 1000, o.burst ?? 1000, () => clock.ms),
      disabled: o.disabled ?? false,
      publicReads: o.publicReads ?? false,
      maxImageBytes: o.maxImageBytes ?? 5 * 1024 * 1024,
      version: 'test',
      routes: [...keysRoutes(keys), ...(o.routes?.(keys) ?? [])],
      ...(o.audit ? { audit: o.audit } : {}),
      ...(o.appCollections ? { appCollections: o.appCollections } : {}),
    }),
  );
  await app.ready();
  return {
    app,
    keys,
    admin,
    user,
    clock,
    close: async () => {
      await app.close();
      db.close();
    },
  };
}

/** A multipart/form-data body built by hand (fields and files), for inject(). */
export function multipartBody(
  fields: Record<string, string>,
  files: { field: string; filename: string; type: string; bytes: Uint8Array }[],
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----facegate-test-boundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.filename}"\r\n` +
          `Content-Type: ${f.type}\r\n\r\n`,
      ),
      Buffer.from(f.bytes),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
