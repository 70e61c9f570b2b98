// The door store contract on SQLite (an in-memory database holding the outbox too).
import BetterSqlite3 from 'better-sqlite3';
import { sqliteDoorStore } from '../../src/apps/door/door.sqlite.driver.ts';
import { SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import { doorStoreContract } from './door.contract.ts';

doorStoreContract('sqlite', async () => {
  const db = new BetterSqlite3(':memory:');
  const store = sqliteDoorStore(db);
  const outbox = new SqliteEventOutbox(db);
  return { store, events: () => outbox.list(), close: async () => void db.close() };
});
