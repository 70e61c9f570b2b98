// The event outbox on Postgres: the same `events` table as outbox.sqlite.ts, in the caller's schema. Writers insert
// their events inside their own transaction (the door store does); this reads them for the dispatcher and the API.
import type { Pool } from 'pg';
import { migratePg, pgIdent } from '../db/pg.migrate.ts';
import type { DomainEvent, EventFilter, EventOutbox, StoredEvent } from './event.types.ts';

export const PG_OUTBOX_MIGRATIONS: readonly string[] = [
  `CREATE TABLE \${schema}.events (
     seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
     collection_id TEXT, pipeline TEXT, run_id TEXT, data TEXT NOT NULL,
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
  data: string;
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
  data: JSON.parse(r.data) as Record<string, unknown>,
  dispatchedAt: r.dispatched_at,
});

export class PgEventOutbox implements EventOutbox {
  private readonly t: string;

  private constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.t = `${pgIdent(schema)}.events`;
  }

  static async open(pool: Pool, schema = 'public'): Promise<PgEventOutbox> {
    await migratePg(pool, 'events', PG_OUTBOX_MIGRATIONS, schema);
    return new PgEventOutbox(pool, schema);
  }

  async undispatched(limit: number): Promise<StoredEvent[]> {
    const r = await this.pool.query<Row>(`SELECT * FROM ${this.t} WHERE dispatched_at IS NULL ORDER BY seq LIMIT $1`, [
      limit,
    ]);
    return r.rows.map(toEvent);
  }

  async markDispatched(seqs: number[]): Promise<void> {
    await this.pool.query(`UPDATE ${this.t} SET dispatched_at = $1 WHERE seq = ANY($2) AND dispatched_at IS NULL`, [
      new Date().toISOString(),
      seqs,
    ]);
  }

  async get(id: string): Promise<StoredEvent | undefined> {
    const r = await this.pool.query<Row>(`SELECT * FROM ${this.t} WHERE id = $1`, [id]);
    return r.rows[0] && toEvent(r.rows[0]);
  }

  async list(f: EventFilter = {}): Promise<StoredEvent[]> {
    const r = await this.pool.query<Row>(
      `SELECT * FROM ${this.t} WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR collection_id = $2)
         AND ($3::text IS NULL OR pipeline = $3) AND ($4::text IS NULL OR run_id = $4)
         AND ($5::bigint IS NULL OR seq < $5) ORDER BY seq DESC LIMIT $6`,
      [
        f.type ?? null,
        f.collectionId ?? null,
        f.pipeline ?? null,
        f.runId ?? null,
        f.beforeSeq ?? null,
        Math.min(f.limit ?? 100, 1000),
      ],
    );
    return r.rows.map(toEvent);
  }
}
