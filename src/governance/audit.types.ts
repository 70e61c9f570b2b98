// The audit log's shapes and its store port. An entry records one biometric operation: who, what, when, from where.
// Personal fields (image hashes, face/person/user ids) are kept apart so that erasure can redact them while the hash
// chain stays verifiable: the chain covers a salted commitment of those fields, never the fields themselves.

/** Which API (or internal job) performed the operation. */
export type AuditApi = 'rest' | 'rekognition' | 'cli' | 'system';

/** Fields that name or identify a person; redacted on erasure. */
export interface AuditPersonal {
  /** SHA-256 (hex) of every image the operation read. */
  images: string[];
  faceIds: string[];
  personIds: string[];
  externalImageIds: string[];
  userIds: string[];
}

export interface AuditEntry {
  /** 1, 2, 3, … in append order; never reused. */
  seq: number;
  /** Epoch milliseconds (server clock at append). */
  at: number;
  api: AuditApi;
  operation: string;
  /** 'key' | 'jwt' | 'sigv4' | 'anonymous' | 'system'. */
  actorKind: string;
  /** API key id, token subject, SigV4 access key id, or the caller's address when anonymous. */
  actorId: string;
  /** Client address as the server saw it (or null for jobs). */
  address: string | null;
  collectionId: string | null;
  /** 'ok' or the FacegateError code the operation failed with. */
  outcome: string;
  /** Operation-specific verdict: verified / not-verified / matched / unknown / indexed / deleted … */
  decision: string | null;
  /** Best similarity reported (0–100), if any. */
  similarity: number | null;
  /** Null once redacted. */
  personal: AuditPersonal | null;
  /** Random hex mixed into the commitment; dropped with the personal fields. */
  salt: string | null;
  /** sha256(salt ‖ canonical(personal)) hex. */
  commitment: string;
  prevHash: string;
  hash: string;
  redactedAt: number | null;
}

/** What a caller supplies; the service adds seq, time, commitment and hashes. */
export type AuditDraft = Omit<
  AuditEntry,
  'seq' | 'at' | 'salt' | 'commitment' | 'prevHash' | 'hash' | 'redactedAt' | 'personal'
> & {
  personal: AuditPersonal;
};

export interface AuditFilter {
  /** Epoch ms, inclusive / exclusive. */
  from?: number;
  to?: number;
  operation?: string;
  actorId?: string;
  collectionId?: string;
  outcome?: string;
  /** A face, person, user or external image id the entry names (not found once redacted). */
  subject?: string;
  /** Keyset pagination: entries with seq > afterSeq, ascending. */
  afterSeq?: number;
  limit: number;
}

/** The last entry removed by retention: verification starts from its hash. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

export interface AuditStore {
  /**
   * Appends one entry under a lock that serialises appends: `seal` receives the last entry's seq and hash (or the
   * anchor's, or null for an empty log) and returns the complete entry to insert.
   */
  append(seal: (prev: AuditAnchor | null) => AuditEntry): Promise<AuditEntry>;
  list(filter: AuditFilter): Promise<AuditEntry[]>;
  /** Sets personal and salt to null on every entry naming one of `subjects`; returns the number of entries changed. */
  redact(subjects: string[], at: number): Promise<number>;
  /** Deletes the oldest entries, through the last one appended before `before` (epoch ms); returns how many. */
  purgeBefore(before: number): Promise<number>;
  anchor(): Promise<AuditAnchor | null>;
  /** Time (epoch ms) of the latest successful entry naming the subject, or null (retention's "last activity"). */
  lastAt(subject: string): Promise<number | null>;
}
