// The door store on Postgres: a pg Pool and a schema. Door changes and their events (the schema's `events` outbox,
// src/events/outbox.pg.ts) commit in one transaction on one client.
import type { Pool } from 'pg';
import type { BlobCipher } from '../../collections/metadata.port.ts';
import { migratePg, pgIdent } from '../../db/pg.migrate.ts';
import { PG_OUTBOX_MIGRATIONS } from '../../events/outbox.pg.ts';
import { PG_DOOR_MIGRATIONS } from './door.migrations.ts';
import { SqlDoorStore } from './door.sql.store.ts';
import { NoRowChanged, type SqlExecutor, type Statement } from './sql.executor.ts';

/** `?` → `$n`, `~table` → `"schema".table`. No door SQL has a `?` or `~` inside a literal. */
function dialect(sql: string, schema: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`).replaceAll('~', `${schema}.`);
}

export function pgExecutor(pool: Pool, schema: string): SqlExecutor {
  const s = pgIdent(schema);
  return {
    all: async <T>(sql: string, params: unknown[] = []) => (await pool.query(dialect(sql, s), params)).rows as T[],
    run: async (sql, params = []) => (await pool.query(dialect(sql, s), params)).rowCount ?? 0,
    batch: async (statements: Statement[]) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const st of statements) {
          const r = await client.query(dialect(st.sql, s), st.params);
          if (st.mustChange && (r.rowCount ?? 0) === 0) throw new NoRowChanged(st.mustChange);
        }
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
  };
}

/** With `cipher` (encryption at rest), unknown visitors' descriptors are stored sealed. */
export async function pgDoorStore(pool: Pool, schema = 'public', cipher?: BlobCipher): Promise<SqlDoorStore> {
  await migratePg(pool, 'events', PG_OUTBOX_MIGRATIONS, schema);
  await migratePg(pool, 'door', PG_DOOR_MIGRATIONS, schema);
  return new SqlDoorStore(pgExecutor(pool, schema), cipher);
}
