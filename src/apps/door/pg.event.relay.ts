// With the door on its own Postgres (FACEGATE_DOOR_DATABASE_URL), door events are committed to that database's outbox
// with their change; this relay copies them into the deployment's notification outbox — the SQLite deployment
// database on the embedded default, the deployment's Postgres schema when FACEGATE_DATABASE_URL is set — by id
// (INSERT OR IGNORE / ON CONFLICT DO NOTHING, so a relay interrupted between the copy and the mark copies nothing
// twice), and marks them dispatched in the door's database. At least once, never lost.
import type { Database } from 'better-sqlite3';
import type { Pool } from 'pg';
import { withPgTransaction } from '../../db/pg.database.ts';
import { pgIdent } from '../../db/pg.migrate.ts';
import type { StoredEvent } from '../../events/event.types.ts';
import { PgEventOutbox } from '../../events/outbox.pg.ts';
import type { Logger } from '../../logger.ts';

/** Where relayed events go: the outbox the deployment's dispatcher reads. Must skip ids already there. */
export type RelayTarget = (events: readonly StoredEvent[]) => Promise<void>;

const row = (e: StoredEvent) => [
  e.id,
  e.type,
  e.collectionId ?? null,
  e.pipeline ?? null,
  e.runId ?? null,
  JSON.stringify(e.data),
  e.occurredAt,
];

/** The embedded deployment database's outbox. */
export function sqliteRelayTarget(db: Database): RelayTarget {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO events (id, type, collection_id, pipeline, run_id, data, occurred_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const many = db.transaction((events: readonly StoredEvent[]) => {
    for (const e of events) insert.run(...row(e));
  });
  return async (events) => void many(events);
}

/** The deployment's Postgres outbox (its own schema), migrated on first use. */
export function pgRelayTarget(pool: Pool, schema: string): RelayTarget {
  const ready = PgEventOutbox.open(pool, schema);
  const s = pgIdent(schema);
  return async (events) => {
    await ready;
    await withPgTransaction(pool, async (c) => {
      for (const e of events) {
        await c.query(
          `INSERT INTO ${s}.events (id, type, collection_id, pipeline, run_id, data, occurred_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
          row(e),
        );
      }
    });
  };
}

export function relayPgEvents(pool: Pool, schema: string, target: RelayTarget, log: Logger): () => Promise<number> {
  const outbox = PgEventOutbox.open(pool, schema);
  let running: Promise<number> = Promise.resolve(0);
  const once = async (): Promise<number> => {
    const o = await outbox;
    let total = 0;
    for (let round = 0; round < 100; round++) {
      const events = await o.undispatched(100);
      if (events.length === 0) break;
      await target(events);
      await o.markDispatched(events.map((e) => e.seq));
      total += events.length;
    }
    if (total) log.debug({ relayed: total }, 'door events relayed');
    return total;
  };
  // One relay at a time: calls while one runs queue behind it.
  return () => (running = running.catch(() => 0).then(once));
}
