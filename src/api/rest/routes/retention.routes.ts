// /v1/retention: the retention schedule that applies to each collection, pipeline, door and camera, and an on-demand purge.
import { z } from 'zod';
import type { RetentionService } from '../../../governance/retention.service.ts';
import type { Schedule } from '../../../governance/retention.schema.ts';
import { route, type AnyRouteSpec } from '../rest.route.ts';

const KINDS = [
  'people',
  'faces',
  'runs',
  'events',
  'deliveries',
  'sms',
  'unknownFrames',
  'visits',
  'attempts',
  'audit',
] as const;
const human = (ms: number): string => (ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : `${ms / 3_600_000}h`);
/** Each kind as `8h` / `30d`, or null when kept until erased. */
const view = (s: Schedule): Record<string, string | null> =>
  Object.fromEntries(KINDS.map((k) => [k, s[k] === undefined ? null : human(s[k])]));
const scheduleView = z.record(z.string(), z.string().nullable());

export function retentionRoutes(retention: () => Promise<RetentionService>): AnyRouteSpec[] {
  const tag = 'Governance';
  return [
    route({
      method: 'GET',
      url: '/retention',
      operationId: 'getRetention',
      summary: 'How long each kind of data is kept, per collection, pipeline, door and camera (null: until erased)',
      tag,
      access: 'read',
      response: z.object({
        audit: z.string().nullable(),
        collections: z.record(z.string(), scheduleView),
        pipelines: z.record(z.string(), scheduleView),
        doors: z.record(z.string(), scheduleView),
        cameras: z.record(z.string(), scheduleView),
      }),
      handler: async () => {
        const d = await (await retention()).describe();
        const map = (o: Record<string, Schedule>) =>
          Object.fromEntries(Object.entries(o).map(([k, s]) => [k, view(s)]));
        return {
          audit: d.audit === null ? null : human(d.audit),
          collections: map(d.collections),
          pipelines: map(d.pipelines),
          doors: map(d.doors),
          cameras: map(d.cameras),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/retention/run',
      operationId: 'runRetention',
      summary: 'Apply the retention schedules now and report what was removed',
      tag,
      access: 'admin',
      response: z.object({ ranAt: z.string(), removed: z.record(z.string(), z.number()) }),
      handler: async () => (await retention()).run(),
    }),
  ];
}
