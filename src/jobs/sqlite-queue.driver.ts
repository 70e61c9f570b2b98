// JobQueue on SQLite: jobs are rows; a worker claims one with a single UPDATE … RETURNING (atomic under SQLite's
// write lock, so two processes never claim the same row), holds it with a lease it renews while the handler runs,
// and settles it with a fenced UPDATE (only the lease holder may). A lease that expires — the worker was killed —
// makes the job claimable again: that is the resumption after kill -9.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.ts';
import {
  queuePolicy,
  retryDelayMs,
  type EnqueueOptions,
  type JobHandler,
  type JobQueue,
  type JobRecord,
  type JobState,
  type WorkOptions,
} from './job-queue.port.ts';
import { migrateJobsDatabase, type SqliteDatabase } from './sqlite.database.ts';

const MIGRATIONS = [
  `CREATE TABLE jobs (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, key TEXT, payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'active', 'completed', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL, backoff_ms INTEGER NOT NULL,
    run_at INTEGER NOT NULL, locked_by TEXT, locked_until INTEGER, last_error TEXT,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, UNIQUE (name, key));
   CREATE INDEX jobs_due ON jobs (name, state, run_at);`,
  `ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX jobs_due_priority ON jobs (name, state, priority DESC, run_at);`,
];

interface Row {
  id: string;
  name: string;
  key: string | null;
  payload: string;
  state: JobState;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface SqliteQueueOptions {
  db: SqliteDatabase;
  logger: Logger;
  pollMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  backoffMs?: number;
  concurrency?: number;
  /** Completed jobs older than this are deleted (dead ones are kept for inspection). Default 7 days. */
  retentionMs?: number;
  now?: () => number;
  /**
   * At start, end the leases of every 'active' job so they are claimed at once. Only for the process that holds
   * the data directory lock (app/datadir.lock.ts): any other worker on this database would hold it too, so the
   * workers of those jobs are dead.
   */
  takeOverAtStart?: boolean;
}

interface Worker {
  name: string;
  handler: JobHandler;
  concurrency: number;
  inflight: Map<string, Promise<void>>;
}

const toRecord = (r: Row): JobRecord => ({
  id: r.id,
  name: r.name,
  key: r.key,
  state: r.state,
  payload: JSON.parse(r.payload) as unknown,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  lastError: r.last_error,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

export class SqliteJobQueue implements JobQueue {
  private readonly db: SqliteDatabase;
  private readonly log: Logger;
  private readonly opts: Required<Omit<SqliteQueueOptions, 'db' | 'logger'>>;
  private readonly workerId = randomUUID();
  private readonly workers = new Map<string, Worker>();
  private readonly settled = new EventEmitter();
  private readonly abort = new AbortController();
  private running = false;
  private lastPurge = 0;
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(options: SqliteQueueOptions) {
    this.db = options.db;
    this.log = options.logger.child({ module: 'jobs', driver: 'sqlite' });
    this.opts = {
      pollMs: options.pollMs ?? 250,
      ...queuePolicy(options),
      retentionMs: options.retentionMs ?? 7 * 24 * 3600_000,
      now: options.now ?? Date.now,
      takeOverAtStart: options.takeOverAtStart ?? false,
    };
    this.settled.setMaxListeners(0);
    migrateJobsDatabase(this.db, 'jobs', MIGRATIONS);
  }

  enqueue(name: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    return Promise.resolve(this.enqueueSync(name, payload, options));
  }

  /** Synchronous enqueue, for callers that write it inside their own transaction on the same database. */
  enqueueSync(name: string, payload: unknown, options: EnqueueOptions = {}): string {
    const now = this.opts.now();
    const id = randomUUID();
    const inserted = this.db
      .prepare(
        `INSERT INTO jobs (id, name, key, payload, state, max_attempts, backoff_ms, run_at, created_at, updated_at,
           priority) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?) ON CONFLICT (name, key) DO NOTHING`,
      )
      .run(
        id,
        name,
        options.key ?? null,
        JSON.stringify(payload ?? null),
        options.maxAttempts ?? this.opts.maxAttempts,
        options.backoffMs ?? this.opts.backoffMs,
        now + (options.delayMs ?? 0),
        now,
        now,
        options.priority ?? 0,
      );
    this.wake();
    if (inserted.changes === 1) return id;
    const existing = this.db.prepare('SELECT id FROM jobs WHERE name = ? AND key = ?').get(name, options.key) as {
      id: string;
    };
    return existing.id;
  }

  work<T>(name: string, handler: JobHandler<T>, options: WorkOptions = {}): void {
    const concurrency = options.concurrency ?? this.opts.concurrency;
    this.workers.set(name, { name, handler: handler as JobHandler, concurrency, inflight: new Map() });
    this.wake();
  }

  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    if (this.opts.takeOverAtStart) {
      const r = this.db.prepare(`UPDATE jobs SET locked_until = 0 WHERE state = 'active'`).run();
      if (r.changes > 0) this.log.info({ jobs: r.changes }, 'took over jobs left active by a stopped process');
    }
    this.heartbeat = setInterval(() => this.renewLeases(), Math.max(50, Math.floor(this.opts.leaseMs / 3)));
    this.heartbeat.unref();
    this.purge();
    this.loop = this.run();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.workers.values()].flatMap((w) => [...w.inflight.values()]));
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  get(id: string): Promise<JobRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return Promise.resolve(row && toRecord(row));
  }

  findByKey(name: string, key: string): Promise<JobRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM jobs WHERE name = ? AND key = ?').get(name, key) as Row | undefined;
    return Promise.resolve(row && toRecord(row));
  }

  async waitFor(id: string): Promise<JobRecord> {
    for (;;) {
      const rec = await this.get(id);
      if (!rec) throw new Error(`job ${id} does not exist`);
      if (rec.state === 'completed' || rec.state === 'dead') return rec;
      // Settled here, or by another process sharing the file: the poll interval catches the latter.
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(t);
          this.settled.off(id, done);
          resolve();
        };
        const t = setTimeout(done, this.opts.pollMs);
        this.settled.on(id, done);
      });
    }
  }

  retry(id: string): Promise<void> {
    const now = this.opts.now();
    this.db
      .prepare(
        `UPDATE jobs SET state = 'queued', attempts = 0, run_at = ?, updated_at = ?, locked_by = NULL
         WHERE id = ? AND state = 'dead'`,
      )
      .run(now, now, id);
    this.wake();
    return Promise.resolve();
  }

  counts(name?: string): Promise<Record<JobState, number>> {
    const rows = this.db
      .prepare(`SELECT state, COUNT(*) AS n FROM jobs WHERE (? IS NULL OR name = ?) GROUP BY state`)
      .all(name ?? null, name ?? null) as { state: JobState; n: number }[];
    const out: Record<JobState, number> = { queued: 0, active: 0, completed: 0, dead: 0 };
    for (const r of rows) out[r.state] = r.n;
    return Promise.resolve(out);
  }

  /** Deletes completed jobs past the retention; returns how many. Runs at start and hourly. */
  purge(): number {
    this.lastPurge = this.opts.now();
    const r = this.db
      .prepare(`DELETE FROM jobs WHERE state = 'completed' AND updated_at < ?`)
      .run(this.lastPurge - this.opts.retentionMs);
    return r.changes;
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.opts.now() - this.lastPurge > 3600_000) this.purge();
      for (const w of this.workers.values()) this.fill(w);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.opts.pollMs);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  private fill(w: Worker): void {
    while (this.running && w.inflight.size < w.concurrency) {
      const row = this.claim(w.name);
      if (!row) return;
      const p = this.execute(w, row).finally(() => {
        w.inflight.delete(row.id);
        this.wake();
      });
      w.inflight.set(row.id, p);
    }
  }

  private claim(name: string): Row | undefined {
    const now = this.opts.now();
    for (;;) {
      const row = this.db
        .prepare(
          `UPDATE jobs SET state = 'active', attempts = attempts + 1, locked_by = @worker,
             locked_until = @lease, updated_at = @now
           WHERE id = (SELECT id FROM jobs WHERE name = @name
             AND ((state = 'queued' AND run_at <= @now) OR (state = 'active' AND locked_until < @now))
             ORDER BY priority DESC, run_at LIMIT 1)
           RETURNING *`,
        )
        .get({ worker: this.workerId, lease: now + this.opts.leaseMs, now, name }) as Row | undefined;
      if (!row || row.attempts <= row.max_attempts) return row;
      // The last attempt's worker died holding the lease: that attempt counts, and it was the last.
      this.settle(row, 'dead', 'lease expired on the last attempt (worker stopped)');
    }
  }

  private async execute(w: Worker, row: Row): Promise<void> {
    const log = this.log.child({ jobId: row.id, job: row.name, attempt: row.attempts });
    const job = {
      id: row.id,
      name: row.name,
      payload: JSON.parse(row.payload) as unknown,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
    };
    try {
      await w.handler(job, this.abort.signal);
      this.settle(row, 'completed', null);
      log.debug('job completed');
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (row.attempts >= row.max_attempts) {
        this.settle(row, 'dead', message);
        log.warn({ err: e }, 'job dead-lettered');
      } else {
        const delay = retryDelayMs(row.backoff_ms, row.attempts);
        this.settle(row, 'queued', message, this.opts.now() + delay);
        log.info({ err: message, delayMs: delay }, 'job failed; will retry');
      }
    }
  }

  /** Fenced: a worker whose lease was taken over (it was presumed dead) cannot overwrite the new owner's state. */
  private settle(row: Row, state: JobState, error: string | null, runAt?: number): void {
    const now = this.opts.now();
    const r = this.db
      .prepare(
        `UPDATE jobs SET state = ?, last_error = COALESCE(?, last_error), run_at = COALESCE(?, run_at),
           locked_by = NULL, locked_until = NULL, updated_at = ?
         WHERE id = ? AND locked_by = ? AND state = 'active'`,
      )
      .run(state, error, runAt ?? null, now, row.id, this.workerId);
    if (r.changes === 0) this.log.warn({ jobId: row.id }, 'lease lost before the job settled; result discarded');
    if (state !== 'queued') this.settled.emit(row.id);
  }

  private renewLeases(): void {
    const ids = [...this.workers.values()].flatMap((w) => [...w.inflight.keys()]);
    if (ids.length === 0) return;
    const stmt = this.db.prepare(`UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ?`);
    const until = this.opts.now() + this.opts.leaseMs;
    this.db.transaction(() => ids.forEach((id) => stmt.run(until, id, this.workerId)))();
  }
}
