// JSON views of runs, events, subscriptions and deliveries for the pipeline's REST routes. Response schemas
// strip anything not declared here: webhook secrets never appear in listings.
import { z } from 'zod';
import type { Run } from '../../../apps/pipeline/pipeline.types.ts';
import type { StoredEvent } from '../../../events/event.types.ts';
import type { Delivery, Subscription } from '../../../notify/notify.types.ts';

export const name = z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/);
export const userId = z
  .string()
  .regex(/^[a-zA-Z0-9_.\-:]{1,128}$/)
  .optional();
export const json = z.record(z.string(), z.unknown());
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const stepView = z.object({
  name: z.string(),
  stage: z.number(),
  state: z.string(),
  attempts: z.number(),
  output: json.nullable(),
  error: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export const runView = z.object({
  runId: z.string(),
  pipeline: z.string(),
  state: z.enum(['running', 'succeeded', 'failed']),
  input: json,
  error: json.nullable(),
  result: json.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  steps: z.array(stepView),
});
export const eventView = z.object({
  id: z.string(),
  seq: z.number(),
  type: z.string(),
  occurredAt: z.string(),
  collectionId: z.string().optional(),
  pipeline: z.string().optional(),
  runId: z.string().optional(),
  data: json,
  dispatchedAt: z.string().nullable(),
});
export const subscriptionView = z.object({
  id: z.string(),
  channel: z.string(),
  target: z.string(),
  eventTypes: z.array(z.string()),
  collectionId: z.string().nullable(),
  pipeline: z.string().nullable(),
  createdAt: z.string(),
});
export const deliveryView = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  subscriptionId: z.string(),
  channel: z.string(),
  state: z.string(),
  attempts: z.array(
    z.object({
      attempt: z.number(),
      at: z.string(),
      ok: z.boolean(),
      status: z.number().nullable(),
      error: z.string().nullable(),
      durationMs: z.number(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const runJson = (r: Run): z.infer<typeof runView> => ({
  runId: r.id,
  pipeline: r.pipeline,
  state: r.state,
  input: r.input,
  error: r.error as Record<string, unknown> | null,
  result: r.result,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  finishedAt: iso(r.finishedAt),
  steps: r.steps.map((s) => ({ ...s, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) })),
});
/** Events as listed. A door.unknown written by an older version carried the approval link: it is never listed. */
export const eventJson = (e: StoredEvent): StoredEvent => {
  if (e.type !== 'door.unknown' || !('approvalUrl' in e.data)) return e;
  const { approvalUrl: _link, ...data } = e.data;
  return { ...e, data };
};
export const subJson = (s: Subscription) => ({ ...s, createdAt: s.createdAt.toISOString() });
export const deliveryJson = (d: Delivery) => ({
  ...d,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
  attempts: d.attempts.map((a) => ({ ...a, at: a.at.toISOString() })),
});
