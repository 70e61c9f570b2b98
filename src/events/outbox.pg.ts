// The event outbox on Postgres: the `events` table of outbox.sqlite.ts, in the caller's schema. Writers append their
// events inside their own transaction — `appendEventsPg` on the client that holds it (the pipeline store), or their
// own INSERT (the door store) — which is what makes "the change and its event" atomic, as on SQLite. `data` is JSONB
// (a JSON text parameter is accepted as is).
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { withPgTransaction } from '../db/pg.database.ts';
import { migratePg, pgIdent } from '../db/pg.migrate.ts';
import type { SqlClient } from '../db/unit-of-work.ts';
import type { DomainEvent, EventFilter, EventOutbox, NewEvent, StoredEvent } from './event.types.ts';

export const PG_OUTBOX_MIGRATIONS: readonly string[] = [
  `CREATE TABLE \${schema}.events (
     seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
     collection_id TEXT, pipeline TEXT, run_id TEXT, data JSONB NOT NULL,
     occurred_at TEXT NOT NULL, dispatched_at TEXT);
   CREATE INDEX events_undispatched ON \${schema}.events (seq) WHERE dispatched_at IS NULL;
   CREATE INDEX events_run ON \${schema}.events (run_id);`,
];

interface Row {
  seq: string;
  id: string;
  type: DomainEvent['type'];
  collection_id: string | null;
  pipeline: string | null;
  run_id: string | null;
  data: Record<string, unknown>;
  occurred_at: string;
  dispatched_at: string | null;
}

const toEvent = (r: Row): StoredEvent => ({
  seq: Number(r.seq),
  id: r.id,
  type: r.type,
  occurredAt: r.occurred_at,
  ...(r.collection_id === null ? {} : { collectionId: r.collection_id }),
  ...(r.pipeline === null ? {} : { pipeline: r.pipeline }),
  ...(r.run_id === null ? {} : { runId: r.run_id }),
  data: r.data,
  dispatchedAt: r.dispatched_at,
});

export const migrateOutboxPg = (pool: Pool, schema: string): Promise<void> =>
  migratePg(pool, 'events', PG_OUTBOX_MIGRATIONS, schema);

/** Call on the client of the transaction that makes the change. Returns the stored events with their ids. */
export async function appendEventsPg(
  c: SqlClient,
  schema: string,
  events: readonly NewEvent[],
  now: Date = new Date(),
): Promise<DomainEvent[]> {
  const s = pgIdent(schema);
  const out: DomainEvent[] = [];
  for (const e of events) {
    const full: DomainEvent = { ...e, id: randomUUID(), occurredAt: now.toISOString() };
    await c.query(
      `INSERT INTO ${s}.events (id, type, collection_id, pipeline, run_id, data, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        full.id,
        e.type,
        e.collectionId ?? null,
        e.pipeline ?? null,
        e.runId ?? null,
        JSON.stringify(e.data),
        full.occurredAt,
      ],
    );
    out.push(full);
  }
  return out;
}

export class PgEventOutbox implements EventOutbox {
  private readonly s: string;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {
    this.s = pgIdent(schema);
  }

  /** Migrates the outbox of `schema`, then opens it. */
  static async open(pool: Pool, schema = 'public'): Promise<PgEventOutbox> {
    await migrateOutboxPg(pool, schema);
    return new PgEventOutbox(pool, schema);
  }

  append(events: readonly NewEvent[]): Promise<DomainEvent[]> {
    return withPgTransaction(this.pool, (c) => appendEventsPg(c, this.schema, events));
  }

  async undispatched(limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM ${this.s}.events WHERE dispatched_at IS NULL ORDER BY seq LIMIT $1`,
      [limit],
    );
    return rows.map(toEvent);
  }

  async markDispatched(seqs: number[]): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.s}.events SET dispatched_at = $1 WHERE seq = ANY($2::bigint[]) AND dispatched_at IS NULL`,
      [new Date().toISOString(), seqs],
    );
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT * FROM ${this.s}.events WHERE id = $1`, [id]);
    return rows[0] && toEvent(rows[0]);
  }

  async list(f: EventFilter = {}): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM ${this.s}.events WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR collection_id = $2)
         AND ($3::text IS NULL OR pipeline = $3) AND ($4::text IS NULL OR run_id = $4)
         AND ($5::bigint IS NULL OR seq < $5)
       ORDER BY seq DESC LIMIT $6`,
      [
        f.type ?? null,
        f.collectionId ?? null,
        f.pipeline ?? null,
        f.runId ?? null,
        f.beforeSeq ?? null,
        Math.min(f.limit ?? 100, 1000),
      ],
    );
    return rows.map(toEvent);
  }
}
