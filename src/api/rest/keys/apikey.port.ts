// The ApiKeyStore port: API keys (stored as hashes, never the secret) and their per-day usage counters.
// Drivers: SQLite (apikey.sqlite.ts, embedded default) and Postgres (apikey.pg.ts). Keys are few and read on every
// request, so the port is tiny.

/** admin ⊃ operator ⊃ reader: each role can do everything the one after it can (rest.auth.ts). */
export const ROLES = ['admin', 'operator', 'reader'] as const;
export type Role = (typeof ROLES)[number];

/** The apps a key can be limited to; each REST route belongs to at most one (its `scope.app`). */
export const APPS = ['verify', 'proctor', 'uploads', 'pipeline', 'door', 'cameras', 'events', 'collections'] as const;
export type AppName = (typeof APPS)[number];

/** What a key may reach besides its role; an absent list means no limit on that axis. */
export interface KeyScope {
  collections?: string[];
  apps?: AppName[];
}

export interface ApiKeyRow {
  /** Public part of the key, also its id: 12 lowercase hex characters. */
  id: string;
  name: string;
  role: Role;
  /** Collection ids and apps the key is limited to; null = every one. */
  collections: string[] | null;
  apps: AppName[] | null;
  /** SHA-256 of the secret part, hex. The secret is 32 random bytes, so a slow hash adds nothing. */
  secretHash: string;
  /** Requests per UTC day; null = the configured default; 0 = unlimited. */
  dailyQuota: number | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface ApiKeyStore {
  insert(row: ApiKeyRow): Promise<void>;
  get(id: string): Promise<ApiKeyRow | undefined>;
  /** Newest first, revoked ones included. */
  list(): Promise<ApiKeyRow[]>;
  /** False when the key does not exist or was already revoked. */
  revoke(id: string, at: Date): Promise<boolean>;
  /** Adds one request to the key's counter for `day` (YYYY-MM-DD, UTC) and returns the new count. */
  countRequest(id: string, day: string, at: Date): Promise<number>;
  usage(id: string, day: string): Promise<number>;
  close(): Promise<void>;
}
