// Subject access and erasure: each part that holds personal data implements PersonalDataHolder, and the
// PrivacyService asks every holder, so one call exports or erases a person everywhere.

/** Everything that identifies one person across the parts. */
export interface Subject {
  personId: string;
  collectionId: string;
  /** Faces indexed for them (in any collection). */
  faceIds: string[];
  /** Ids other parts know them by: ExternalImageId / pipeline userId (the personId in the people app). */
  externalIds: string[];
  /**
   * Phone numbers messages were sent to (the SMS outbox's recipient, matched exactly). Names and e-mails are not
   * matched anywhere: rows are found by the ids recorded in their structured fields, so a short name ("Ali") never
   * takes a row about someone else ("Alice") with it.
   */
  phones: string[];
}

export interface ExportedFile {
  /** Path inside the export, e.g. `photos/<photoId>.jpg`. */
  name: string;
  bytes: Uint8Array;
}

export interface HolderExport {
  /** JSON-able records. */
  records: unknown;
  files?: ExportedFile[];
}

export interface PersonalDataHolder {
  /** Section name in the export and the erasure report. */
  readonly name: string;
  export(subject: Subject): Promise<HolderExport>;
  /** Removes everything about the subject; returns how many items went (rows, objects, faces). */
  erase(subject: Subject): Promise<number>;
}
