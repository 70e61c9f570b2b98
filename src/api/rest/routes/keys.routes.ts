// API key management (admin only): the console's key page and automation. The CLI uses the service directly.
import { z } from 'zod';
import { APPS, ROLES } from '../keys/apikey.port.ts';
import type { ApiKeyService } from '../keys/apikey.service.ts';
import { route, type AnyRouteSpec } from '../rest.route.ts';

const keyView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  collections: z.array(z.string()).nullable().describe('collection ids the key is limited to; null = all'),
  apps: z.array(z.enum(APPS)).nullable().describe('apps the key is limited to; null = all'),
  dailyQuota: z.number().int().describe('requests per UTC day; 0 = unlimited'),
  usedToday: z.number().int(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

export function keysRoutes(keys: ApiKeyService): AnyRouteSpec[] {
  return [
    route({
      method: 'GET',
      url: '/keys',
      operationId: 'listKeys',
      summary: 'List API keys (secrets are never shown again)',
      tag: 'API keys',
      access: 'admin',
      response: z.object({ keys: z.array(keyView) }),
      handler: async () => ({ keys: await keys.list() }),
    }),
    route({
      method: 'POST',
      url: '/keys',
      operationId: 'createKey',
      summary: 'Create an API key; the answer holds the key once',
      tag: 'API keys',
      access: 'admin',
      status: 201,
      body: z.object({
        name: z.string().trim().min(1).max(100),
        role: z
          .enum([...ROLES, 'user'])
          .default('operator')
          .describe("'user' is the former name of operator, still accepted"),
        dailyQuota: z.number().int().min(0).nullable().optional(),
        collections: z
          .array(z.string().regex(/^[a-zA-Z0-9_.-]{1,255}$/))
          .max(100)
          .optional(),
        apps: z.array(z.enum(APPS)).max(APPS.length).optional(),
      }),
      response: z.object({ key: z.string(), apiKey: keyView }),
      handler: async ({ body }) => {
        const { key, view } = await keys.create(body);
        return { key, apiKey: view };
      },
    }),
    route({
      method: 'DELETE',
      url: '/keys/:keyId',
      operationId: 'revokeKey',
      summary: 'Revoke an API key',
      tag: 'API keys',
      access: 'admin',
      params: z.object({ keyId: z.string().regex(/^[0-9a-f]{12}$/) }),
      response: z.object({ revoked: z.string() }),
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => {
        await keys.revoke(params.keyId);
        return { revoked: params.keyId };
      },
    }),
    route({
      method: 'GET',
      url: '/me',
      operationId: 'whoAmI',
      summary: 'The principal of this request (used by the console to sign in)',
      tag: 'API keys',
      access: 'read',
      scope: { unscoped: true },
      response: z.object({
        kind: z.string(),
        id: z.string(),
        name: z.string(),
        role: z.enum(ROLES),
        scope: z.object({ collections: z.array(z.string()).optional(), apps: z.array(z.string()).optional() }),
      }),
      handler: async ({ request }) => request.principal!,
    }),
  ];
}
