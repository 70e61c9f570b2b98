// Door events committed on the door's own Postgres reach the deployment's notification outbox — the SQLite file on
// the embedded default, the deployment's Postgres schema on a Postgres deployment — with their ids, once each, even
// when the relay runs again or concurrently.
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { test } from 'node:test';
import { pgDoorStore } from '../../src/apps/door/door.pg.driver.ts';
import { pgRelayTarget, relayPgEvents, sqliteRelayTarget } from '../../src/apps/door/pg.event.relay.ts';
import { PgEventOutbox } from '../../src/events/outbox.pg.ts';
import { SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import { createLogger } from '../../src/logger.ts';
import { freshPgSchema } from '../helpers/services.ts';

const denied = { type: 'door.denied' as const, collectionId: 'door-front', data: { pendingId: 'q1' } };

test('relays Postgres door events into the SQLite notification outbox exactly once', async () => {
  const pg = await freshPgSchema('relay');
  const db = new BetterSqlite3(':memory:');
  try {
    const store = await pgDoorStore(pg.pool, pg.schema);
    const target = new SqliteEventOutbox(db);
    const relay = relayPgEvents(pg.pool, pg.schema, sqliteRelayTarget(db), createLogger('silent'));
    const committed = await store.commit({ events: [denied] }, new Date());
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

test('relays into the deployment Postgres outbox, skipping ids already there', async () => {
  const door = await freshPgSchema('relaydoor');
  const deployment = await freshPgSchema('relaydep');
  try {
    const store = await pgDoorStore(door.pool, door.schema);
    const target = pgRelayTarget(deployment.pool, deployment.schema);
    const relay = relayPgEvents(door.pool, door.schema, target, createLogger('silent'));
    const committed = await store.commit({ events: [denied, { ...denied, data: { pendingId: 'q2' } }] }, new Date());
    assert.equal(await relay(), 2);
    // A relay interrupted after the copy and before the mark copies again: the ids are already there.
    await target(await (await PgEventOutbox.open(door.pool, door.schema)).list());
    assert.equal(await relay(), 0);
    const outbox = await PgEventOutbox.open(deployment.pool, deployment.schema);
    const events = (await outbox.list()).reverse();
    assert.deepEqual(
      events.map((e) => [e.id, e.type, e.data]),
      committed.map((e) => [e.id, 'door.denied', e.data]),
    );
    // Undispatched in the deployment's outbox (its dispatcher delivers them), dispatched in the door's.
    assert.equal((await outbox.undispatched(10)).length, 2);
    const doorOutbox = await PgEventOutbox.open(door.pool, door.schema);
    assert.equal((await doorOutbox.undispatched(10)).length, 0);
  } finally {
    await door.close();
    await deployment.close();
  }
});
