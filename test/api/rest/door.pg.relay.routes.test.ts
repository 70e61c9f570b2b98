// The door on its own Postgres (FACEGATE_DOOR_DATABASE_URL) beside a Postgres deployment (FACEGATE_DATABASE_URL): its
// events are relayed into the deployment's Postgres outbox, the one the dispatcher reads (not into the SQLite file,
// which a Postgres deployment never reads). An event another process committed in the door's database is relayed by
// the start-up sweep.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pgDoorStore } from '../../../src/apps/door/door.pg.driver.ts';
import { freshPgSchema } from '../../helpers/services.ts';
import { waitFor } from '../../scale/process.harness.ts';
import { startServer } from '../rekognition/rekognition.harness.ts';
import { stubEngine } from '../rekognition/stub.engine.ts';

test('door events on the door database reach the Postgres deployment outbox', { timeout: 60_000 }, async () => {
  const deployment = await freshPgSchema('doordep');
  const door = await freshPgSchema('doorown');
  let h: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const [event] = await (
      await pgDoorStore(door.pool, door.schema)
    ).commit({ events: [{ type: 'door.denied', collectionId: 'door-front', data: { pendingId: 'q1' } }] }, new Date());
    h = await startServer(
      { overrides: { engine: stubEngine } },
      {
        FACEGATE_DATABASE_URL: deployment.url,
        FACEGATE_DATABASE_SCHEMA: deployment.schema,
        FACEGATE_DOOR_DATABASE_URL: door.url,
        FACEGATE_DOOR_DATABASE_SCHEMA: door.schema,
      },
    );
    await h.container.get('door');
    const relayed = await waitFor('the door event in the deployment outbox', async () => {
      const { rows } = await deployment.pool.query<{ id: string; type: string }>(
        `SELECT id, type FROM "${deployment.schema}".events WHERE type = 'door.denied'`,
      );
      return rows.length ? rows : undefined;
    });
    assert.deepEqual(relayed, [{ id: event!.id, type: 'door.denied' }]);
    const left = await door.pool.query(`SELECT id FROM "${door.schema}".events WHERE dispatched_at IS NULL`);
    assert.equal(left.rowCount, 0);
    // The deployment's SQLite file got nothing.
    const sqlite = (await h.container.get('database')).sqlite.db;
    const inFile = sqlite.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'events'`).get() as {
      n: number;
    };
    if (inFile.n) assert.equal((sqlite.prepare(`SELECT count(*) AS n FROM events`).get() as { n: number }).n, 0);
  } finally {
    await h?.close();
    await door.close();
    await deployment.close();
  }
});
