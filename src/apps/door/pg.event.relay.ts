// On Postgres, door events are committed to that database's outbox with their change; this relay copies them into the
// deployment's notification outbox (the SQLite deployment database) by id — INSERT OR IGNORE, so a relay interrupted between the
// copy and the mark copies nothing twice — and marks them dispatched in Postgres. At least once, never lost.
import type { Database } from 'better-sqlite3';
import type { Pool } from 'pg';
import { PgEventOutbox } from '../../events/outbox.pg.ts';
import type { Logger } from '../../logger.ts';

export function relayPgEvents(pool: Pool, schema: string, target: Database, log: Logger): () => Promise<number> {
  const outbox = PgEventOutbox.open(pool, schema);
  const insert = target.prepare(
    `INSERT OR IGNORE INTO events (id, type, collection_id, pipeline, run_id, data, occurred_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  let running: Promise<number> = Promise.resolve(0);
  const once = async (): Promise<number> => {
    const o = await outbox;
    let total = 0;
    for (let round = 0; round < 100; round++) {
      const events = await o.undispatched(100);
      if (events.length === 0) break;
      target.transaction(() => {
        for (const e of events) {
          insert.run(
            e.id,
            e.type,
            e.collectionId ?? null,
            e.pipeline ?? null,
            e.runId ?? null,
            JSON.stringify(e.data),
            e.occurredAt,
          );
        }
      })();
      await o.markDispatched(events.map((e) => e.seq));
      total += events.length;
    }
    if (total) log.debug({ relayed: total }, 'door events relayed');
    return total;
  };
  // One relay at a time: calls while one runs queue behind it.
  return () => (running = running.catch(() => 0).then(once));
}
