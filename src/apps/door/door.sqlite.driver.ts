// The door store on SQLite: a better-sqlite3 handle that also holds the event outbox (`events`), so a door change and
// its event commit together. The handle is the caller's (one database per deployment); this never opens a file.
import type { Database } from 'better-sqlite3';
import type { BlobCipher } from '../../collections/metadata.port.ts';
import { migrateOutbox } from '../../events/outbox.sqlite.ts';
import { migrate } from '../sqlite.migrate.ts';
import { SQLITE_DOOR_MIGRATIONS } from './door.migrations.ts';
import { SqlDoorStore } from './door.sql.store.ts';
import { NoRowChanged, type SqlExecutor, type Statement } from './sql.executor.ts';

const plain = (sql: string) => sql.replaceAll('~', '');

/** better-sqlite3 binds numbers, strings, Buffers and null; booleans and undefined are not allowed. */
const bind = (params: unknown[]) => params.map((p) => (p === undefined ? null : p));

export function sqliteExecutor(db: Database): SqlExecutor {
  return {
    all: <T>(sql: string, params: unknown[] = []) =>
      Promise.resolve(db.prepare(plain(sql)).all(...bind(params)) as T[]),
    run: (sql, params = []) => Promise.resolve(db.prepare(plain(sql)).run(...bind(params)).changes),
    batch: (statements: Statement[]) => {
      const apply = db.transaction(() => {
        for (const s of statements) {
          const changes = db.prepare(plain(s.sql)).run(...bind(s.params)).changes;
          if (s.mustChange && changes === 0) throw new NoRowChanged(s.mustChange);
        }
      });
      try {
        apply.immediate();
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
  };
}

/** With `cipher` (encryption at rest), unknown visitors' descriptors are stored sealed. */
export function sqliteDoorStore(db: Database, cipher?: BlobCipher): SqlDoorStore {
  migrateOutbox(db);
  migrate(db, 'door', SQLITE_DOOR_MIGRATIONS);
  return new SqlDoorStore(sqliteExecutor(db), cipher);
}
