// The ApiKeyStore port: API keys (stored as hashes, never the secret) and their per-day usage counters.
// Drivers: SQLite (apikey.sqlite.ts, embedded default). Keys are few and read on every request, so the port is tiny.

export type Role = 'admin' | 'user';

export interface ApiKeyRow {
  /** Public part of the key, also its id: 12 lowercase hex characters. */
  id: string;
  name: string;
  role: Role;
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
