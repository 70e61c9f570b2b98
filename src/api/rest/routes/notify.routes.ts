// /v1/events, /v1/subscriptions, /v1/deliveries, /v1/sms-outbox: the pipeline's events and where they are delivered.
import { z } from 'zod';
import type { OpenedPipeline } from '../../../apps/pipeline/pipeline.factory.ts';
import { FacegateError } from '../../../errors.ts';
import { eventTypeSchema } from '../../../events/event.types.ts';
import { route, type AnyRouteSpec } from '../rest.route.ts';
import {
  deliveryJson,
  deliveryView,
  eventJson,
  eventView,
  json,
  name,
  subJson,
  subscriptionView,
} from './pipeline.views.ts';

export function notifyRoutes(pipeline: () => Promise<OpenedPipeline>): AnyRouteSpec[] {
  const tag = 'Pipeline (uploads, runs, events, notifications)';
  return [
    route({
      method: 'GET',
      url: '/events',
      operationId: 'listEvents',
      summary: 'Domain events, newest first',
      tag,
      access: 'read',
      scope: { app: 'events' },
      query: z.object({
        type: eventTypeSchema.optional(),
        collectionId: name.optional(),
        pipeline: name.optional(),
        runId: z.string().max(64).optional(),
        beforeSeq: z.coerce.number().int().optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: z.object({ events: z.array(eventView) }),
      handler: async ({ query }) => ({ events: (await (await pipeline()).outbox.list(query)).map(eventJson) }),
    }),
    route({
      method: 'POST',
      url: '/subscriptions',
      operationId: 'subscribe',
      summary:
        'Subscribe a channel (webhook, email, sms, mqtt, sns) to events, filtered by type, collection, pipeline. A webhook secret is returned once',
      tag,
      access: 'admin',
      scope: { app: 'events' },
      status: 201,
      body: json,
      bodyKind: 'json',
      errors: ['INVALID_PARAMETER'],
      response: subscriptionView.extend({ secret: z.string().nullable() }),
      handler: async ({ body }) => subJson(await (await pipeline()).notifications.subscribe(body)),
    }),
    route({
      method: 'GET',
      url: '/subscriptions',
      operationId: 'listSubscriptions',
      summary: 'Subscriptions (secrets are never listed)',
      tag,
      access: 'admin',
      scope: { app: 'events' },
      response: z.object({ subscriptions: z.array(subscriptionView) }),
      handler: async () => ({ subscriptions: (await (await pipeline()).notifyStore.listSubscriptions()).map(subJson) }),
    }),
    route({
      method: 'DELETE',
      url: '/subscriptions/:id',
      operationId: 'unsubscribe',
      summary: 'Delete a subscription',
      tag,
      access: 'admin',
      scope: { app: 'events' },
      params: z.object({ id: z.string().max(64) }),
      response: z.object({ deleted: z.boolean() }),
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => {
        const deleted = await (await pipeline()).notifyStore.deleteSubscription(params.id);
        if (!deleted) throw new FacegateError('NOT_FOUND', `Subscription ${params.id} does not exist`);
        return { deleted };
      },
    }),
    route({
      method: 'GET',
      url: '/deliveries',
      operationId: 'listDeliveries',
      summary: 'Notification deliveries with their attempt log (pending, delivered, dead)',
      tag,
      access: 'admin',
      scope: { app: 'events' },
      query: z.object({
        subscriptionId: z.string().max(64).optional(),
        eventId: z.string().max(64).optional(),
        state: z.enum(['pending', 'delivered', 'dead']).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: z.object({ deliveries: z.array(deliveryView) }),
      handler: async ({ query }) => ({
        deliveries: (await (await pipeline()).notifyStore.listDeliveries(query)).map(deliveryJson),
      }),
    }),
    route({
      method: 'GET',
      url: '/sms-outbox',
      operationId: 'listSmsOutbox',
      summary: 'SMS messages kept because no SMS provider is configured',
      tag,
      access: 'admin',
      scope: { app: 'events' },
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: z.object({
        messages: z.array(
          z.object({
            id: z.string(),
            to: z.string(),
            body: z.string(),
            eventId: z.string().nullable(),
            createdAt: z.string(),
          }),
        ),
      }),
      handler: async ({ query }) => ({
        messages: (await (await pipeline()).notifyStore.listSms(query.limit)).map((m) => ({
          ...m,
          createdAt: m.createdAt.toISOString(),
        })),
      }),
    }),
    route({
      method: 'POST',
      url: '/deliveries/:id/retry',
      operationId: 'redeliver',
      summary: 'Send a dead-lettered delivery again, with a fresh attempt budget',
      tag,
      access: 'admin',
      scope: { app: 'events' },
      status: 202,
      params: z.object({ id: z.string().max(64) }),
      response: deliveryView,
      errors: ['NOT_FOUND', 'CONFLICT'],
      handler: async ({ params }) => deliveryJson(await (await pipeline()).notifications.redeliver(params.id)),
    }),
  ];
}
