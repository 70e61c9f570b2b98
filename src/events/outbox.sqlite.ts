// The outbox on SQLite. `appendEvents` runs inside the caller's transaction on the same database (the pipeline
// store's), which is what makes "the change and its event" atomic.
import { randomUUID } from 'node:crypto';
import { migrateJobsDatabase, type SqliteDatabase } from '../jobs/sqlite.database.ts';
import type { DomainEvent, EventFilter, EventOutbox, NewEvent, StoredEvent } from './event.types.ts';

const MIGRATIONS = [
  `CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
    collection_id TEXT, pipeline TEXT, run_id TEXT, data TEXT NOT NULL,
    occurred_at TEXT NOT NULL, dispatched_at TEXT);
   CREATE INDEX events_undispatched ON events (seq) WHERE dispatched_at IS NULL;
   CREATE INDEX events_run ON events (run_id);`,
];

interface Row {
  seq: number;
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
  seq: r.seq,
  id: r.id,
  type: r.type,
  occurredAt: r.occurred_at,
  ...(r.collection_id === null ? {} : { collectionId: r.collection_id }),
  ...(r.pipeline === null ? {} : { pipeline: r.pipeline }),
  ...(r.run_id === null ? {} : { runId: r.run_id }),
  data: JSON.parse(r.data) as Record<string, unknown>,
  dispatchedAt: r.dispatched_at,
});

export function migrateOutbox(db: SqliteDatabase): void {
  migrateJobsDatabase(db, 'events', MIGRATIONS);
}

/** Call inside the transaction that makes the change. Returns the stored events with their ids. */
export function appendEvents(db: SqliteDatabase, events: readonly NewEvent[], now: Date = new Date()): DomainEvent[] {
  const stmt = db.prepare(
    `INSERT INTO events (id, type, collection_id, pipeline, run_id, data, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  return events.map((e) => {
    const full: DomainEvent = { ...e, id: randomUUID(), occurredAt: now.toISOString() };
    stmt.run(
      full.id,
      e.type,
      e.collectionId ?? null,
      e.pipeline ?? null,
      e.runId ?? null,
      JSON.stringify(e.data),
      full.occurredAt,
    );
    return full;
  });
}

export class SqliteEventOutbox implements EventOutbox {
  constructor(private readonly db: SqliteDatabase) {
    migrateOutbox(db);
  }

  /** Appends events that belong to no other change (in their own transaction). */
  append(events: readonly NewEvent[]): DomainEvent[] {
    return this.db.transaction(() => appendEvents(this.db, events))();
  }

  undispatched(limit: number): Promise<StoredEvent[]> {
    const rows = this.db
      .prepare('SELECT * FROM events WHERE dispatched_at IS NULL ORDER BY seq LIMIT ?')
      .all(limit) as Row[];
    return Promise.resolve(rows.map(toEvent));
  }

  markDispatched(seqs: number[]): Promise<void> {
    const stmt = this.db.prepare('UPDATE events SET dispatched_at = ? WHERE seq = ? AND dispatched_at IS NULL');
    const at = new Date().toISOString();
    this.db.transaction(() => seqs.forEach((s) => stmt.run(at, s)))();
    return Promise.resolve();
  }

  get(id: string): Promise<StoredEvent | undefined> {
    const row = this.db.prepare('SELECT * FROM events WHERE id = ?').get(id) as Row | undefined;
    return Promise.resolve(row && toEvent(row));
  }

  list(f: EventFilter = {}): Promise<StoredEvent[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM events WHERE (@type IS NULL OR type = @type) AND (@c IS NULL OR collection_id = @c)
           AND (@p IS NULL OR pipeline = @p) AND (@r IS NULL OR run_id = @r) AND (@before IS NULL OR seq < @before)
         ORDER BY seq DESC LIMIT @limit`,
      )
      .all({
        type: f.type ?? null,
        c: f.collectionId ?? null,
        p: f.pipeline ?? null,
        r: f.runId ?? null,
        before: f.beforeSeq ?? null,
        limit: Math.min(f.limit ?? 100, 1000),
      }) as Row[];
    return Promise.resolve(rows.map(toEvent));
  }
}
