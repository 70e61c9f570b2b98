// Consent records: one per (collection, subject), where the subject is the id the collection knows the person by
// (the personId in the people app, the ExternalImageId on the Rekognition protocol). Holds what the person agreed
// to, how, who gave it (the person or a guardian), when, and which version of the consent text they saw.
import { z } from 'zod';

export const consentInputSchema = z.object({
  purpose: z.string().trim().min(1).max(500).describe('what the face is used for, e.g. "building access"'),
  method: z.enum(['written', 'electronic', 'verbal', 'other']).describe('how consent was given'),
  givenBy: z.string().trim().min(1).max(200).describe('who gave it: the person, or their guardian'),
  givenAt: z.iso.datetime({ offset: true }).optional().describe('when (default: now)'),
  textVersion: z.string().trim().min(1).max(100).describe('version of the consent text shown'),
});
export type ConsentInput = z.infer<typeof consentInputSchema>;

export interface ConsentRecord {
  collectionId: string;
  subjectId: string;
  purpose: string;
  method: ConsentInput['method'];
  givenBy: string;
  givenAt: Date;
  textVersion: string;
  /** The principal that recorded it (API key id, token subject), when known. */
  recordedBy: string | null;
  recordedAt: Date;
}

export interface ConsentStore {
  /** Inserts or replaces the record of (collectionId, subjectId). */
  put(r: ConsentRecord): Promise<void>;
  get(collectionId: string, subjectId: string): Promise<ConsentRecord | undefined>;
  /** Every record of a subject, in any collection (subject access). */
  forSubject(subjectId: string): Promise<ConsentRecord[]>;
  /** Deletes every record of the subject; returns how many. */
  delete(subjectId: string): Promise<number>;
}
