// API keys as API Gateway usage plans have them: a secret the client sends in `x-api-key`, a role, an optional scope
// (collections and/or apps) and a per-day quota. Only a hash of the secret is stored; the full key is shown once,
// when it is created.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { FacegateError } from '../../../errors.ts';
import type { ApiKeyRow, ApiKeyStore, AppName, KeyScope, Role } from './apikey.port.ts';

/** `fgk_<id: 12 hex>_<secret: 43 base64url>`; the prefix makes leaked keys easy to grep for. */
const KEY_PATTERN = /^fgk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  /** null = not limited on that axis. */
  collections: string[] | null;
  apps: AppName[] | null;
  /** The effective quota (requests per UTC day, 0 = unlimited). */
  dailyQuota: number;
  usedToday: number;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface KeyPrincipal {
  kind: 'key';
  id: string;
  name: string;
  role: Role;
  scope: KeyScope;
}

/** 'user' is the role name before operator/reader existed; it is still accepted on input and means operator. */
export type RoleInput = Role | 'user';
export const roleOf = (r: RoleInput): Role => (r === 'user' ? 'operator' : r);

const cleanList = <T extends string>(values: readonly T[] | undefined): T[] | null => {
  const unique = [...new Set(values ?? [])];
  return unique.length ? unique.sort() : null;
};

export interface ApiKeyServiceOptions {
  store: ApiKeyStore;
  /** Quota for keys created without one; 0 = unlimited. */
  defaultDailyQuota: number;
  now?: () => Date;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

/** Seconds from `now` to the next UTC midnight, when daily quotas reset (at least 1). */
export function secondsToUtcMidnight(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

export class ApiKeyService {
  private readonly store: ApiKeyStore;
  private readonly defaultQuota: number;
  private readonly now: () => Date;

  constructor(options: ApiKeyServiceOptions) {
    this.store = options.store;
    this.defaultQuota = options.defaultDailyQuota;
    this.now = options.now ?? (() => new Date());
  }

  /** Creates a key and returns it with its secret; the secret cannot be read again. */
  async create(input: {
    name: string;
    role?: RoleInput;
    dailyQuota?: number | null;
    collections?: string[];
    apps?: AppName[];
  }): Promise<{ key: string; view: ApiKeyView }> {
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const row: ApiKeyRow = {
      id,
      name: input.name,
      role: roleOf(input.role ?? 'operator'),
      collections: cleanList(input.collections),
      apps: cleanList(input.apps),
      secretHash: sha256(secret),
      dailyQuota: input.dailyQuota ?? null,
      createdAt: this.now(),
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.store.insert(row);
    return { key: `fgk_${id}_${secret}`, view: await this.view(row) };
  }

  async list(): Promise<ApiKeyView[]> {
    return Promise.all((await this.store.list()).map((r) => this.view(r)));
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.store.revoke(id, this.now()))) {
      throw new FacegateError('NOT_FOUND', `No active API key ${id}`);
    }
  }

  /**
   * The principal of a presented key, counting the request against its quota. UNAUTHENTICATED for an unknown,
   * malformed, revoked or wrong key (one message for all, so a caller cannot probe which ids exist);
   * QUOTA_EXCEEDED with `retryAfter` seconds once the day's quota is used.
   */
  async authenticate(presented: string): Promise<KeyPrincipal> {
    const principal = await this.verify(presented);
    await this.countRequest(principal);
    return principal;
  }

  /** The principal of a presented key without counting anything (UNAUTHENTICATED as `authenticate`). */
  async verify(presented: string): Promise<KeyPrincipal> {
    const m = KEY_PATTERN.exec(presented);
    const row = m ? await this.store.get(m[1]!) : undefined;
    const given = Buffer.from(sha256(m?.[2] ?? ''), 'hex');
    const ok =
      row !== undefined && row.revokedAt === null && timingSafeEqual(given, Buffer.from(row.secretHash, 'hex'));
    if (!ok || !row) throw new FacegateError('UNAUTHENTICATED', 'The API key is invalid or revoked');
    const scope: KeyScope = {
      ...(row.collections ? { collections: row.collections } : {}),
      ...(row.apps ? { apps: row.apps } : {}),
    };
    return { kind: 'key', id: row.id, name: row.name, role: row.role, scope };
  }

  /** Counts one served request against the key's daily quota; QUOTA_EXCEEDED (with retryAfter) past it. */
  async countRequest(principal: KeyPrincipal): Promise<void> {
    const row = await this.store.get(principal.id);
    if (!row) throw new FacegateError('UNAUTHENTICATED', 'The API key is invalid or revoked');
    const now = this.now();
    const used = await this.store.countRequest(row.id, utcDay(now), now);
    const quota = this.quotaOf(row);
    if (quota > 0 && used > quota) {
      throw new FacegateError('QUOTA_EXCEEDED', `The daily quota of ${quota} requests is used up`, {
        details: { retryAfter: secondsToUtcMidnight(now), quota },
      });
    }
  }

  private quotaOf(row: ApiKeyRow): number {
    return row.dailyQuota ?? this.defaultQuota;
  }

  private async view(r: ApiKeyRow): Promise<ApiKeyView> {
    return {
      id: r.id,
      name: r.name,
      role: r.role,
      collections: r.collections,
      apps: r.apps,
      dailyQuota: this.quotaOf(r),
      usedToday: await this.store.usage(r.id, utcDay(this.now())),
      createdAt: r.createdAt.toISOString(),
      revokedAt: r.revokedAt?.toISOString() ?? null,
      lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    };
  }
}
