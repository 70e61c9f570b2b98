// S3 (and MinIO) event notifications: `{ Records: [{ eventName, s3: { bucket: { name }, object: { key } } }] }`.
// Keys arrive URL-encoded with '+' for spaces (S3's form encoding). The test event S3 sends when a notification is
// configured (`{ "Event": "s3:TestEvent" }`) has no Records and starts nothing.
import { z } from 'zod';

export const s3EventSchema = z.looseObject({
  Records: z
    .array(
      z.looseObject({
        eventName: z.string().optional(),
        s3: z.looseObject({
          bucket: z.looseObject({ name: z.string().min(1) }),
          object: z.looseObject({
            key: z.string().min(1),
            eTag: z.string().optional(),
            sequencer: z.string().optional(),
          }),
        }),
      }),
    )
    .default([]),
});

export interface S3ObjectRef {
  bucket: string;
  key: string;
  /** Distinguishes two writes of one key, so a re-sent notification dedupes but a new upload does not. */
  version: string;
}

/** The created objects an event names (removals and other event kinds are ignored). */
export function createdObjects(body: unknown): S3ObjectRef[] {
  const event = s3EventSchema.parse(body);
  return event.Records.filter((r) => !r.eventName || r.eventName.includes('ObjectCreated')).map((r) => ({
    bucket: r.s3.bucket.name,
    key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')),
    version: r.s3.object.sequencer ?? r.s3.object.eTag ?? '',
  }));
}
