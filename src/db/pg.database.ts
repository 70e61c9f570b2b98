// Postgres for all state (FACEGATE_DATABASE_URL=postgres://…): one pool per process, shared by every Postgres
// store, with tables in one schema (FACEGATE_DATABASE_SCHEMA, default public). How a store gets it: the container
// opens it once (openPgDatabase) and passes `{ pool, schema }`; the store creates its tables with
// `migratePg(pool, '<part>', SCRIPTS, schema)` (src/db/pg.migrate.ts, advisory lock, numbered) and qualifies every
// table with `pgIdent(schema)`. A write that must commit with another part's is staged (src/db/unit-of-work.ts).
import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import { pgUnitOfWork } from './pg.unit-of-work.ts';
import type { UnitOfWork } from './unit-of-work.ts';

export interface PgDatabase {
  readonly pool: Pool;
  readonly schema: string;
  readonly unitOfWork: UnitOfWork;
  close(): Promise<void>;
}

export function openPgDatabase(url: string, schema = 'public', max = 10): PgDatabase {
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 5000, max });
  // An idle client that loses its connection emits 'error' on the pool; without a listener that would end the process.
  pool.on('error', () => undefined);
  let closed = false;
  return {
    pool,
    schema,
    unitOfWork: pgUnitOfWork(pool),
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** Runs `fn` in one transaction on one client of the pool. */
export async function withPgTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** Postgres error code of a failed query (23505 unique violation, 23503 foreign key …). */
export const pgCode = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null ? (e as { code?: string }).code : undefined;
