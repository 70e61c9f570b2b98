// Schema-first routes: each REST route is declared once, with zod schemas for params, query, body and response.
// The same declaration registers the fastify handler (validating input, stripping unknown response fields) and
// describes the operation in the OpenAPI document, so the two cannot drift apart.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FacegateError } from '../../errors.ts';
import { audited, type AuditCaller } from '../../governance/audit.scope.ts';
import type { AppName } from './keys/apikey.port.ts';
import type { Principal } from './rest.auth.ts';
import type { RestAudit } from './rest.audit.ts';
import { withTicket } from './rest.admission.ts';

/**
 * public: anyone; read: a reader (or anonymous for GETs when reads are public); write: an operator; admin: an admin.
 * The role each level needs is mapped in rest.auth.ts, the only place that decides.
 */
export type Access = 'public' | 'read' | 'write' | 'admin';

/**
 * What a route reaches, for scoped keys (checked in rest.auth.ts before the body is read).
 * `app`: the app (or apps) the route belongs to. `collection`: the collection it touches, from the URL (params and
 * query), or looked up from the resource the URL names (a door's, a pipeline's collection); absent with an app
 * whose collection is known (verify, proctor, uploads), that collection. `ownerApps`: the route belongs to the apps
 * owning its collection (consent of a subject). `listing`: the handler shows only the key's collections (every item
 * names its collection), so collection-scoped keys are let through. `noCollection`: the route touches no
 * collection's data (liveness sessions). `unscoped`: the route touches no app or collection data (whoAmI), so every
 * scoped key may call it.
 */
export interface RouteScope {
  app?: AppName | readonly AppName[];
  collection?: (url: {
    params: Record<string, unknown>;
    query: Record<string, unknown>;
  }) => string | undefined | Promise<string | undefined>;
  ownerApps?: true;
  listing?: true;
  noCollection?: true;
  unscoped?: true;
}

/** How the request body carries data, for the OpenAPI document (validation is the handler's job for images). */
export type BodyKind = 'json' | 'image' | 'image-or-json' | 'multipart-or-json';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    scope?: RouteScope;
    /** Raw-body routes (bodyKind 'image'): their own limit for the raw body instead of the inline image limit. */
    rawLimit?: number;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** fastify syntax, relative to /v1: `/people/:personId`. */
  url: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  scope?: RouteScope;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** The JSON body schema; for image routes the JSON alternative (base64). */
  body?: z.ZodType<B>;
  bodyKind?: BodyKind;
  /** Bytes; defaults to the plugin's JSON limit. Image routes set the inline image limit (plus base64 overhead). */
  bodyLimit?: number;
  /** Success status (default 200). */
  status?: number;
  /** Omitted for routes that send their own body (binary, HTML). */
  response?: z.ZodType<R>;
  /** Error codes this route may answer with, for the document. */
  errors?: string[];
  /**
   * The handler runs the engine on the request's images: the request is admitted by the engine's admission control
   * (rest.admission.ts) before the quota is counted, and refused with 429 + Retry-After beyond capacity.
   */
  analyses?: true;
  handler(ctx: HandlerContext<P, Q, B>): Promise<R>;
}

// Specs are heterogeneous; erase their types for the registry.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteSpec = RouteSpec<any, any, any, any>;

/** Identity helper that infers the generic parameters from the schemas. */
export function route<P, Q, B, R>(spec: RouteSpec<P, Q, B, R>): AnyRouteSpec {
  return spec as AnyRouteSpec;
}

/** A ZodError as INVALID_PARAMETER naming each bad field: `fullName: Required; image: Invalid base64`. */
export function invalid(where: string, error: z.ZodError): FacegateError {
  const text = error.issues
    .map((i) => `${[where, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`)
    .join('; ');
  return new FacegateError('INVALID_PARAMETER', text);
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success) throw invalid(where, r.error);
  return r.data;
}

/** Who made the request, for the audit log. */
function callerOf(request: FastifyRequest, operation: string): AuditCaller {
  const p = request.principal;
  return {
    api: 'rest',
    operation,
    actorKind: p?.kind ?? 'anonymous',
    actorId: p?.id ?? request.ip,
    address: request.ip,
  };
}

export function registerRoute(app: FastifyInstance, spec: AnyRouteSpec, audit?: RestAudit): void {
  const describe = audit?.describers[spec.operationId];
  app.route({
    method: spec.method,
    url: spec.url,
    config: {
      access: spec.access,
      ...(spec.scope ? { scope: spec.scope } : {}),
      ...(spec.bodyKind === 'image' && spec.bodyLimit ? { rawLimit: spec.bodyLimit } : {}),
      ...(spec.analyses ? { analyses: true } : {}),
    },
    ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
    handler: async (request, reply) => {
      const run = async (): Promise<unknown> => {
        const params = parse(spec.params, request.params, 'params');
        const query = parse(spec.query, request.query, 'query');
        // Multipart and raw-image bodies are read by the handler; JSON bodies are validated here.
        const isJson = (request.headers['content-type'] ?? '').startsWith('application/json');
        const body =
          spec.body && (isJson || spec.bodyKind === undefined || spec.bodyKind === 'json')
            ? parse(spec.body, request.body ?? {}, 'body')
            : undefined;
        const result: unknown = await withTicket(request, () => spec.handler({ params, query, body, request, reply }));
        if (!spec.response) return reply;
        // Parsing the response strips fields the schema does not declare: nothing internal leaks by accident.
        const out = spec.response.safeParse(result);
        if (!out.success) {
          throw new FacegateError('INTERNAL', 'response did not match its schema', { cause: out.error });
        }
        return out.data;
      };
      // Biometric routes write one audit entry each, whatever their outcome (governance/audit.scope.ts).
      const result =
        audit && describe
          ? await audited(await audit.recorder(), callerOf(request, spec.operationId), run, (r) =>
              describe(
                {
                  params: (request.params ?? {}) as Record<string, unknown>,
                  query: (request.query ?? {}) as Record<string, unknown>,
                },
                r === reply ? undefined : (r as Record<string, unknown> | undefined),
              ),
            )
          : await run();
      if (!spec.response) return reply;
      return reply.code(spec.status ?? 200).send(result);
    },
  });
}
