// The door store contract on Postgres, each test on a fresh schema.
import { pgDoorStore } from '../../src/apps/door/door.pg.driver.ts';
import { PgEventOutbox } from '../../src/events/outbox.pg.ts';
import { freshPgSchema } from '../helpers/services.ts';
import { doorStoreContract } from './door.contract.ts';

doorStoreContract('postgres', async () => {
  const pg = await freshPgSchema('door');
  const store = await pgDoorStore(pg.pool, pg.schema);
  const outbox = await PgEventOutbox.open(pg.pool, pg.schema);
  return { store, events: () => outbox.list(), close: () => pg.close() };
});
