// UnitOfWork on the deployment's SQLite handle: one IMMEDIATE transaction, writes run synchronously in order.
import type { Database } from 'better-sqlite3';
import { eraseWal } from './sqlite.database.ts';
import type { Staged, UnitOfWork } from './unit-of-work.ts';

export function sqliteUnitOfWork(db: Database): UnitOfWork {
  const run = db.transaction((writes: readonly Staged[]) => {
    for (const w of writes) {
      if (!w.sqlite) throw new Error('a staged write has no SQLite form (stores of different drivers were mixed)');
      w.sqlite();
    }
  });
  return {
    commit: async (writes, options = {}) => {
      run.immediate(writes);
      if (options.erase && db.name !== ':memory:') eraseWal(db);
    },
  };
}
