// Consent use cases: record, read, and the index guard that refuses to index a subject without consent in a
// collection whose policy requires it (governance.consentRequired). The guard runs inside CollectionService
// .indexFaces, so every path that indexes (REST apps, the Rekognition protocol, the pipeline) is covered.
import { FacegateError } from '../errors.ts';
import type { ConsentInput, ConsentRecord, ConsentStore } from './consent.types.ts';

export class ConsentService {
  private readonly all: boolean;
  private readonly required: ReadonlySet<string>;

  /** `required`: collection ids whose faces need consent; '*' means every collection. */
  constructor(
    private readonly store: ConsentStore,
    required: readonly string[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.all = required.includes('*');
    this.required = new Set(required);
  }

  requiredFor(collectionId: string): boolean {
    return this.all || this.required.has(collectionId);
  }

  async give(
    collectionId: string,
    subjectId: string,
    input: ConsentInput,
    recordedBy: string | null,
  ): Promise<ConsentRecord> {
    const now = this.now();
    const record: ConsentRecord = {
      collectionId,
      subjectId,
      purpose: input.purpose,
      method: input.method,
      givenBy: input.givenBy,
      givenAt: input.givenAt ? new Date(input.givenAt) : now,
      textVersion: input.textVersion,
      recordedBy,
      recordedAt: now,
    };
    await this.store.put(record);
    return record;
  }

  get(collectionId: string, subjectId: string): Promise<ConsentRecord | undefined> {
    return this.store.get(collectionId, subjectId);
  }

  forSubject(subjectId: string): Promise<ConsentRecord[]> {
    return this.store.forSubject(subjectId);
  }

  remove(subjectId: string): Promise<number> {
    return this.store.delete(subjectId);
  }

  /** Throws CONSENT_REQUIRED unless the collection needs no consent or the subject has given it. */
  async guardIndex(collectionId: string, subjectId: string | undefined): Promise<void> {
    if (!this.requiredFor(collectionId)) return;
    if (!subjectId) {
      throw new FacegateError(
        'CONSENT_REQUIRED',
        `Collection ${collectionId} indexes only people who consented: give an ExternalImageId with a consent record`,
      );
    }
    if (!(await this.store.get(collectionId, subjectId))) {
      throw new FacegateError('CONSENT_REQUIRED', `No consent recorded for ${subjectId} in collection ${collectionId}`);
    }
  }
}
