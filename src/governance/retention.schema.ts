// Retention schedules as configured (governance.retention, from the config file or FACEGATE_RETENTION as JSON):
// a default schedule plus overrides per collection, pipeline, door and camera. Durations are `<n>h` or `<n>d`; a kind left
// out is kept until erased.
import { z } from 'zod';

const HOUR = 3_600_000;
export const duration = z
  .string()
  .regex(/^[1-9][0-9]{0,5}[hd]$/, 'a duration like 8h or 30d')
  .transform((s) => Number(s.slice(0, -1)) * (s.endsWith('d') ? 24 * HOUR : HOUR));

export const scheduleSchema = z.strictObject({
  /** People of the people app: erased this long after their last successful operation (or registration). */
  people: duration.optional(),
  /** Faces the pipeline indexed, with their photo and thumbnail objects. */
  faces: duration.optional(),
  /** Finished pipeline runs and their steps (runs whose face is still kept stay). */
  runs: duration.optional(),
  /** Delivered domain events. */
  events: duration.optional(),
  /** Notification deliveries and their attempts. */
  deliveries: duration.optional(),
  /** The SMS outbox. */
  sms: duration.optional(),
  /** Doors: frames of strangers (requests never approved, with their photos; snapshots of visits nobody's). */
  unknownFrames: duration.optional(),
  /** Doors and cameras: visit rows with the snapshots they own. */
  visits: duration.optional(),
  /** Doors: the passcode attempts audit. */
  attempts: duration.optional(),
  /** Audit entries (default schedule only; else governance.auditRetentionDays). */
  audit: duration.optional(),
});
export type Schedule = z.output<typeof scheduleSchema>;
export type ScheduleInput = z.input<typeof scheduleSchema>;

const asJson = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
};

export const retentionSchema = z.preprocess(
  asJson,
  z.strictObject({
    default: scheduleSchema.prefault({}),
    collections: z.record(z.string(), scheduleSchema).default({}),
    pipelines: z.record(z.string(), scheduleSchema).default({}),
    doors: z.record(z.string(), scheduleSchema).default({}),
    cameras: z.record(z.string(), scheduleSchema).default({}),
    /** How often the purge job runs in `facegate serve` (minutes; 0 = only on demand). */
    everyMinutes: z.coerce.number().int().min(0).max(10_080).default(60),
  }),
);
export type RetentionConfig = z.output<typeof retentionSchema>;
