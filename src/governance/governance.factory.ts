// The governance part wired for a deployment: its stores on the deployment's database (a better-sqlite3 handle on
// the embedded default, a pg Pool when governance.databaseUrl is set) and the services over them.
import type { Database } from 'better-sqlite3';
import pg from 'pg';
import { openAppsDatabase } from '../apps/apps.database.ts';
import type { Config } from '../config/config.schema.ts';
import { pgAuditStore } from './audit.pg.ts';
import { AuditService } from './audit.service.ts';
import { sqliteAuditStore } from './audit.sqlite.ts';
import type { AuditStore } from './audit.types.ts';

export interface GovernanceServices {
  audit: AuditService;
}

export interface GovernanceStores {
  audit: AuditStore;
}

export function sqliteGovernanceStores(db: Database): GovernanceStores {
  return { audit: sqliteAuditStore(db) };
}

export async function pgGovernanceStores(pool: pg.Pool, schema = 'public'): Promise<GovernanceStores> {
  return { audit: await pgAuditStore(pool, schema) };
}

export function governanceServices(stores: GovernanceStores, now: () => number = Date.now): GovernanceServices {
  return { audit: new AuditService(stores.audit, now) };
}

export async function openGovernance(
  config: Readonly<Config>,
  dataDir: string,
): Promise<{ value: GovernanceServices; close: () => Promise<void> }> {
  const url = config.governance.databaseUrl;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5000, max: 5 });
    try {
      return { value: governanceServices(await pgGovernanceStores(pool)), close: () => pool.end() };
    } catch (e) {
      await pool.end();
      throw e;
    }
  }
  const db = openAppsDatabase(dataDir);
  return { value: governanceServices(sqliteGovernanceStores(db)), close: async () => void db.close() };
}
