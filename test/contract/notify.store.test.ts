// The NotifyStore and EventOutbox contract, run on SQLite and on Postgres (a fresh schema per test): subscriptions
// and their filters, one delivery per (event, subscription), the attempt log, redelivery, the SMS outbox, and the
// outbox's undispatched → dispatched order.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DomainEvent, EventOutbox, NewEvent } from '../../src/events/event.types.ts';
import { appendEventsPg, migrateOutboxPg, PgEventOutbox } from '../../src/events/outbox.pg.ts';
import { appendEvents, SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import { openSqliteFile } from '../../src/db/sqlite.database.ts';
import { withPgTransaction } from '../../src/db/pg.database.ts';
import { openPgNotifyStore } from '../../src/notify/notify.pg.driver.ts';
import { SqliteNotifyStore } from '../../src/notify/notify.sqlite.driver.ts';
import type { NotifyStore } from '../../src/notify/notify.types.ts';
import { freshPgSchema } from '../helpers/services.ts';

interface Fixture {
  store: NotifyStore;
  outbox: EventOutbox;
  /** Appends events in one transaction of the driver, as a writer does. */
  append(events: NewEvent[]): Promise<DomainEvent[]>;
  close(): Promise<void>;
}

const DRIVERS: Record<string, () => Promise<Fixture>> = {
  SQLite: async () => {
    const db = openSqliteFile(':memory:');
    const store = new SqliteNotifyStore(db);
    const outbox = new SqliteEventOutbox(db);
    return {
      store,
      outbox,
      append: async (events) => db.transaction(() => appendEvents(db, events))(),
      close: async () => void db.close(),
    };
  },
  Postgres: async () => {
    const pg = await freshPgSchema('notify');
    await migrateOutboxPg(pg.pool, pg.schema);
    return {
      store: await openPgNotifyStore(pg.pool, pg.schema),
      outbox: new PgEventOutbox(pg.pool, pg.schema),
      append: (events) => withPgTransaction(pg.pool, (c) => appendEventsPg(c, pg.schema, events)),
      close: () => pg.close(),
    };
  },
};

const sub = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  channel: 'webhook' as const,
  target: `http://example.com/${id}`,
  eventTypes: ['face.indexed'],
  collectionId: null,
  pipeline: null,
  secret: null,
  ...over,
});

for (const [driver, make] of Object.entries(DRIVERS)) {
  describe(`NotifyStore and EventOutbox contract: ${driver}`, () => {
    let f: Fixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => f.close());

    test('the outbox hands out events in order until they are marked dispatched', async () => {
      const [a, b] = await f.append([
        { type: 'face.indexed', collectionId: 'c', data: { faceId: 'f1' } },
        { type: 'pipeline.started', pipeline: 'p', runId: 'r1', data: {} },
      ]);
      const pending = await f.outbox.undispatched(10);
      assert.deepEqual(
        pending.map((e) => e.id),
        [a!.id, b!.id],
      );
      assert.deepEqual(pending[0]!.data, { faceId: 'f1' });
      await f.outbox.markDispatched([pending[0]!.seq]);
      assert.deepEqual(
        (await f.outbox.undispatched(10)).map((e) => e.id),
        [b!.id],
      );
      assert.equal((await f.outbox.get(a!.id))?.collectionId, 'c');
      assert.ok((await f.outbox.get(a!.id))?.dispatchedAt);
      assert.deepEqual(
        (await f.outbox.list({ runId: 'r1' })).map((e) => e.type),
        ['pipeline.started'],
      );
      assert.deepEqual(
        (await f.outbox.list({ limit: 1 })).map((e) => e.id),
        [b!.id],
        'newest first',
      );
      assert.deepEqual(
        (await f.outbox.list({ beforeSeq: pending[1]!.seq })).map((e) => e.id),
        [a!.id],
      );
    });

    test('subscriptions match by type, collection and pipeline; a delivery is created once per pair', async () => {
      await f.store.createSubscription(sub('s1'));
      await f.store.createSubscription(sub('s2', { eventTypes: ['*'], collectionId: 'other' }));
      await f.store.createSubscription(sub('s3', { eventTypes: ['*'] }));
      const [e] = await f.append([{ type: 'face.indexed', collectionId: 'c', data: {} }]);
      assert.deepEqual((await f.store.matching(e!)).map((s) => s.id).sort(), ['s1', 's3']);
      const s1 = (await f.store.getSubscription('s1'))!;
      assert.equal(s1.enabled, true);
      assert.deepEqual(s1.eventTypes, ['face.indexed']);
      const d1 = await f.store.createDelivery(e!, s1);
      assert.equal(await f.store.createDelivery(e!, s1), d1);
      assert.equal((await f.store.listDeliveries({ eventId: e!.id })).length, 1);
      assert.equal(await f.store.deleteSubscription('s2'), true);
      assert.equal(await f.store.deleteSubscription('s2'), false);
      assert.deepEqual(
        (await f.store.listSubscriptions()).map((s) => s.id),
        ['s1', 's3'],
      );
    });

    test('attempts are logged in order; a dead delivery can be reopened once', async () => {
      const s1 = await f.store.createSubscription(sub('s1'));
      const [e] = await f.append([{ type: 'face.indexed', data: {} }]);
      const id = await f.store.createDelivery(e!, s1);
      const at = (n: number) => new Date(1_700_000_000_000 + n);
      await f.store.recordAttempt(
        id,
        { attempt: 1, at: at(1), ok: false, status: 500, error: 'boom', durationMs: 12.4 },
        'pending',
      );
      await f.store.recordAttempt(
        id,
        { attempt: 2, at: at(2), ok: false, status: null, error: 'timeout', durationMs: 30 },
        'dead',
      );
      assert.equal(await f.store.reopenDelivery(id), true);
      assert.equal(await f.store.reopenDelivery(id), false);
      await f.store.recordAttempt(
        id,
        { attempt: 3, at: at(3), ok: true, status: 204, error: null, durationMs: 5 },
        'delivered',
      );
      const d = (await f.store.getDelivery(id))!;
      assert.equal(d.state, 'delivered');
      assert.deepEqual(
        d.attempts.map((a) => [a.attempt, a.ok, a.status, a.error, a.durationMs]),
        [
          [1, false, 500, 'boom', 12],
          [2, false, null, 'timeout', 30],
          [3, true, 204, null, 5],
        ],
      );
      assert.equal((await f.store.listDeliveries({ state: 'delivered' })).length, 1);
      assert.equal((await f.store.listDeliveries({ subscriptionId: 'nope' })).length, 0);
    });

    test('the SMS outbox keeps messages newest first', async () => {
      await f.store.addSms({ to: '+1555', body: 'one', eventId: null });
      const two = await f.store.addSms({ to: '+1556', body: 'two', eventId: 'e' });
      const listed = await f.store.listSms(1);
      assert.equal(listed.length, 1);
      assert.ok(['one', 'two'].includes(listed[0]!.body));
      assert.equal((await f.store.listSms()).length, 2);
      assert.equal(two.eventId, 'e');
    });
  });
}
