// Door events committed on Postgres reach the deployment's notification outbox (SQLite) with their ids, once each,
// even when the relay runs again or concurrently.
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { test } from 'node:test';
import { pgDoorStore } from '../../src/apps/door/door.pg.driver.ts';
import { relayPgEvents } from '../../src/apps/door/pg.event.relay.ts';
import { SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import { createLogger } from '../../src/logger.ts';
import { freshPgSchema } from '../helpers/services.ts';

test('relays Postgres door events into the notification outbox exactly once', async () => {
  const pg = await freshPgSchema('relay');
  const db = new BetterSqlite3(':memory:');
  try {
    const store = await pgDoorStore(pg.pool, pg.schema);
    const target = new SqliteEventOutbox(db);
    const relay = relayPgEvents(pg.pool, pg.schema, db, createLogger('silent'));
    const committed = await store.commit(
      { events: [{ type: 'door.denied', collectionId: 'door-front', data: { pendingId: 'q1' } }] },
      new Date(),
    );
    const [a, b] = await Promise.all([relay(), relay()]);
    assert.equal(a + b, 1);
    assert.equal(await relay(), 0);
    const events = await target.list();
    assert.deepEqual(
      events.map((e) => [e.id, e.type, e.collectionId, e.data]),
      [[committed[0]!.id, 'door.denied', 'door-front', { pendingId: 'q1' }]],
    );
  } finally {
    db.close();
    await pg.close();
  }
});
