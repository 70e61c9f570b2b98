// The OpenAPI 3.1 document of /v1, generated from the same route specs that fastify serves (rest.route.ts).
import { z } from 'zod';
import { ERRORS } from '../../errors.ts';
import type { AnyRouteSpec } from './rest.route.ts';
import { roleFor } from './rest.auth.ts';

type Json = Record<string, unknown>;

const schemaOf = (s: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
  return rest;
};

const imageContent = { schema: { type: 'string', format: 'binary' } };

function requestBody(spec: AnyRouteSpec): Json | undefined {
  const json = spec.body ? { 'application/json': { schema: schemaOf(spec.body, 'input') } } : {};
  switch (spec.bodyKind ?? (spec.body ? 'json' : undefined)) {
    case undefined:
      return undefined;
    case 'json':
      return { required: true, content: json };
    case 'image':
      return { required: true, content: { 'image/jpeg': imageContent, 'image/png': imageContent } };
    case 'image-or-json':
      return { required: true, content: { 'image/jpeg': imageContent, 'image/png': imageContent, ...json } };
    case 'multipart-or-json':
      return {
        required: true,
        content: {
          'multipart/form-data': {
            schema: { type: 'object', description: 'The JSON fields as form fields; photos as one or more files' },
          },
          ...json,
        },
      };
  }
}

function parameters(spec: AnyRouteSpec): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const js = schemaOf(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
    }
  }
  return out;
}

function responses(spec: AnyRouteSpec): Json {
  const ok: Json = spec.response
    ? { description: 'OK', content: { 'application/json': { schema: schemaOf(spec.response, 'output') } } }
    : { description: 'OK' };
  const out: Json = { [String(spec.status ?? 200)]: ok };
  const codes = new Set<string>(['INVALID_PARAMETER', 'INTERNAL', ...(spec.errors ?? [])]);
  if (spec.access !== 'public') ['UNAUTHENTICATED', 'THROTTLED', 'QUOTA_EXCEEDED'].forEach((c) => codes.add(c));
  if (spec.access !== 'public') ['ACCESS_DENIED', 'SCOPE_DENIED'].forEach((c) => codes.add(c));
  const byStatus = new Map<number, string[]>();
  for (const c of codes) {
    const e = ERRORS[c as keyof typeof ERRORS];
    if (e) byStatus.set(e.status, [...(byStatus.get(e.status) ?? []), c]);
  }
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = {
      description: list.join(', '),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
}

export function openApiDocument(specs: AnyRouteSpec[], info: { version: string }): Json {
  const paths: Record<string, Json> = {};
  for (const spec of specs) {
    const path = '/v1' + spec.url.replace(/:(\w+)/g, '{$1}');
    const body = requestBody(spec);
    paths[path] ??= {};
    paths[path]![spec.method.toLowerCase()] = {
      operationId: spec.operationId,
      summary: spec.summary,
      tags: [spec.tag],
      parameters: parameters(spec),
      ...(body ? { requestBody: body } : {}),
      responses: responses(spec),
      security: spec.access === 'public' ? [] : [{ apiKey: [] }, { bearer: [] }],
      // The weakest role that may call it and the app a scoped key needs (docs/rest.md, Roles and Scopes).
      ...(roleFor(spec.access) ? { 'x-facegate-role': roleFor(spec.access) } : {}),
      ...(spec.scope?.app ? { 'x-facegate-app': spec.scope.app } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Facegate REST API',
      version: info.version,
      description:
        'Register, verify and identify people; index and search faces by upload; the virtual proctor checks. ' +
        'Send an API key in `x-api-key` or a bearer JWT. Errors are `{code, message}`; 429 carries Retry-After.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: Object.keys(ERRORS) },
            message: { type: 'string' },
            details: { type: 'object' },
          },
        },
      },
    },
  };
}
