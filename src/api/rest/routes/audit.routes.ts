// /v1/audit: the audit log of biometric operations (admin only): query with filters and a cursor, export as NDJSON,
// and verify the hash chain.
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { AuditService } from '../../../governance/audit.service.ts';
import type { AuditEntry } from '../../../governance/audit.types.ts';
import { route, type AnyRouteSpec } from '../rest.route.ts';

const time = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const filters = {
  from: time.optional().describe('ISO time, inclusive'),
  to: time.optional().describe('ISO time, exclusive'),
  operation: z.string().max(100).optional(),
  actor: z.string().max(200).optional().describe('API key id, token subject or SigV4 access key id'),
  collection: z.string().max(255).optional(),
  outcome: z.string().max(100).optional().describe('ok, or an error code'),
  subject: z.string().max(255).optional().describe('a person, face, user or external image id'),
};

const entryView = z.object({
  seq: z.number(),
  at: z.string(),
  api: z.string(),
  operation: z.string(),
  actor: z.object({ kind: z.string(), id: z.string(), address: z.string().nullable() }),
  collectionId: z.string().nullable(),
  outcome: z.string(),
  decision: z.string().nullable(),
  similarity: z.number().nullable(),
  personal: z
    .object({
      images: z.array(z.string()).describe('SHA-256 of each image read'),
      faceIds: z.array(z.string()),
      personIds: z.array(z.string()),
      externalImageIds: z.array(z.string()),
      userIds: z.array(z.string()),
    })
    .nullable()
    .describe('null once redacted by an erasure'),
  salt: z.string().nullable(),
  commitment: z.string(),
  prevHash: z.string(),
  hash: z.string(),
  redactedAt: z.string().nullable(),
});

export const auditView = (e: AuditEntry): z.infer<typeof entryView> => ({
  seq: e.seq,
  at: new Date(e.at).toISOString(),
  api: e.api,
  operation: e.operation,
  actor: { kind: e.actorKind, id: e.actorId, address: e.address },
  collectionId: e.collectionId,
  outcome: e.outcome,
  decision: e.decision,
  similarity: e.similarity,
  personal: e.personal,
  salt: e.salt,
  commitment: e.commitment,
  prevHash: e.prevHash,
  hash: e.hash,
  redactedAt: e.redactedAt === null ? null : new Date(e.redactedAt).toISOString(),
});

type Filters = { [K in keyof typeof filters]?: z.output<(typeof filters)[K]> };
const toFilter = (q: Filters) => ({
  from: q.from,
  to: q.to,
  operation: q.operation,
  actorId: q.actor,
  collectionId: q.collection,
  outcome: q.outcome,
  subject: q.subject,
});

export function auditRoutes(audit: () => Promise<AuditService>): AnyRouteSpec[] {
  const tag = 'Governance';
  return [
    route({
      method: 'GET',
      url: '/audit',
      operationId: 'listAudit',
      summary: 'Audit entries of biometric operations, oldest first, filtered; pass `after` (a seq) for the next page',
      tag,
      access: 'admin',
      query: z.object({
        ...filters,
        after: z.coerce.number().int().min(0).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: z.object({ entries: z.array(entryView), next: z.number().nullable() }),
      handler: async ({ query }) => {
        const list = await (await audit()).list({ ...toFilter(query), afterSeq: query.after, limit: query.limit });
        return { entries: list.map(auditView), next: list.length === query.limit ? list.at(-1)!.seq : null };
      },
    }),
    route({
      method: 'GET',
      url: '/audit/export',
      operationId: 'exportAudit',
      summary: 'Every matching audit entry as NDJSON (one JSON entry per line), streamed',
      tag,
      access: 'admin',
      query: z.object(filters),
      handler: async ({ query, reply }) => {
        const svc = await audit();
        async function* lines() {
          for await (const e of svc.all(toFilter(query))) yield JSON.stringify(auditView(e)) + '\n';
        }
        return reply
          .type('application/x-ndjson')
          .header('content-disposition', 'attachment; filename="facegate-audit.ndjson"')
          .send(Readable.from(lines()));
      },
    }),
    route({
      method: 'GET',
      url: '/audit/verify',
      operationId: 'verifyAudit',
      summary: 'Check the hash chain: every entry links to the previous one and matches its hash and commitment',
      tag,
      access: 'admin',
      response: z.object({
        ok: z.boolean(),
        checked: z.number(),
        problem: z.object({ seq: z.number(), reason: z.string() }).optional(),
        anchor: z.object({ seq: z.number(), hash: z.string() }).nullable(),
      }),
      handler: async () => (await audit()).verify(),
    }),
  ];
}
