// UnitOfWork on Postgres: one client, BEGIN … COMMIT, writes awaited in order on that client.
import type { Pool } from 'pg';
import type { Staged, UnitOfWork } from './unit-of-work.ts';

export function pgUnitOfWork(pool: Pool): UnitOfWork {
  return {
    commit: async (writes: readonly Staged[]) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const w of writes) {
          if (!w.pg) throw new Error('a staged write has no Postgres form (stores of different drivers were mixed)');
          await w.pg(client);
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
