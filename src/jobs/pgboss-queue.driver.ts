// JobQueue on Postgres through pg-boss 10: for several worker processes on several machines. Differences from the
// SQLite driver, kept as data rather than hidden:
//   - retry delays are whole seconds (pg-boss's unit): backoffMs is rounded up to ≥ 1 s;
//   - dedupe keys become deterministic job ids (a UUID from name + key), so a key is unique while pg-boss keeps the
//     job (until its archive/retention runs), not forever;
//   - a worker killed mid-job is detected by pg-boss's expiration (expireInSeconds = leaseMs), then retried.
import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Logger } from '../logger.ts';
import {
  queuePolicy,
  type EnqueueOptions,
  type JobHandler,
  type JobQueue,
  type JobRecord,
  type JobState,
  type WorkOptions,
} from './job-queue.port.ts';

export interface PgBossQueueOptions {
  connectionString: string;
  /** Postgres schema for pg-boss's tables (one per deployment; tests use one per test). */
  schema?: string;
  logger: Logger;
  pollMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  backoffMs?: number;
  concurrency?: number;
  connectTimeoutMs?: number;
}

const STATE: Record<string, JobState> = {
  created: 'queued',
  retry: 'queued',
  active: 'active',
  completed: 'completed',
  failed: 'dead',
  cancelled: 'dead',
};

/** A UUID (version-5 layout) from the job name and key: the same key always maps to the same job id. */
export function keyToJobId(name: string, key: string): string {
  const h = createHash('sha1').update(`${name}\0${key}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

interface JobRow {
  id: string;
  name: string;
  state: string;
  data: unknown;
  retry_count: number;
  retry_limit: number;
  output: { message?: string } | null;
  created_on: Date;
  completed_on: Date | null;
  started_on: Date | null;
}

export class PgBossJobQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly log: Logger;
  private readonly schema: string;
  /** One creation per queue name: concurrent createQueue calls deadlock in Postgres (partition DDL). */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly handlers: { name: string; handler: JobHandler; concurrency: number }[] = [];
  private readonly abort = new AbortController();
  private readonly opts: Required<
    Pick<PgBossQueueOptions, 'pollMs' | 'leaseMs' | 'maxAttempts' | 'backoffMs' | 'concurrency'>
  >;
  private started = false;
  private connecting: Promise<void> | undefined;

  constructor(options: PgBossQueueOptions) {
    this.schema = options.schema ?? 'pgboss';
    this.log = options.logger.child({ module: 'jobs', driver: 'pg-boss' });
    this.opts = {
      pollMs: options.pollMs ?? 1000,
      ...queuePolicy(options),
    };
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      schema: this.schema,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
      max: 4,
      // Expired jobs (a killed worker's) are found by maintenance: run it about once per lease, not every 2 minutes.
      // pg-boss has no heartbeat: a step must finish within the lease or it is retried while still running.
      maintenanceIntervalSeconds: Math.min(120, Math.max(1, Math.ceil(this.opts.leaseMs / 1000))),
    } as ConstructorParameters<typeof PgBoss>[0]);
    this.boss.on('error', (e: unknown) => this.log.error({ err: e }, 'pg-boss error'));
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.connect();
    this.started = true;
    for (const h of this.handlers) await this.startWorkers(h);
  }

  async stop(): Promise<void> {
    const connected = this.connecting;
    if (!connected) return;
    this.abort.abort();
    await connected.catch(() => undefined);
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    this.started = false;
    this.connecting = undefined;
  }

  /**
   * pg-boss sends and reads nothing before `boss.start()`. A process that only enqueues (role `api`, which never calls
   * `start`) connects on its first use, so that its uploads reach the workers of other processes.
   */
  private connect(): Promise<void> {
    if (!this.connecting) {
      const p = this.boss.start().then(() => undefined);
      p.catch(() => (this.connecting = undefined));
      this.connecting = p;
    }
    return this.connecting;
  }

  async enqueue(name: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    await this.connect();
    await this.ensureQueue(name);
    const id = options.key === undefined ? undefined : keyToJobId(name, options.key);
    const maxAttempts = options.maxAttempts ?? this.opts.maxAttempts;
    const created = await this.boss.send(name, (payload ?? null) as object, {
      ...(id ? { id } : {}),
      retryLimit: maxAttempts - 1,
      retryDelay: Math.max(1, Math.ceil((options.backoffMs ?? this.opts.backoffMs) / 1000)),
      retryBackoff: true,
      expireInSeconds: Math.max(1, Math.ceil(this.opts.leaseMs / 1000)),
      ...(options.delayMs ? { startAfter: Math.ceil(options.delayMs / 1000) } : {}),
      ...(options.priority ? { priority: options.priority } : {}),
    });
    // null: a job with this id exists already (the dedupe key was used before).
    return created ?? id!;
  }

  work<T>(name: string, handler: JobHandler<T>, options: WorkOptions = {}): void {
    const h = { name, handler: handler as JobHandler, concurrency: options.concurrency ?? this.opts.concurrency };
    this.handlers.push(h);
    if (this.started)
      void this.startWorkers(h).catch((e: unknown) => this.log.error({ err: e }, 'worker start failed'));
  }

  async get(id: string): Promise<JobRecord | undefined> {
    await this.connect();
    const { rows } = (await this.boss.getDb().executeSql(
      `SELECT id, name, state, data, retry_count, retry_limit, output, created_on, completed_on, started_on
       FROM ${this.schema}.job WHERE id = $1`,
      [id],
    )) as { rows: JobRow[] };
    const r = rows[0];
    if (!r) return undefined;
    const state = STATE[r.state] ?? 'queued';
    return {
      id: r.id,
      name: r.name,
      key: null,
      state,
      payload: r.data,
      // pg-boss counts retries; an attempt is each start (the first plus every retry that started).
      attempts: r.started_on ? r.retry_count + (state === 'queued' ? 0 : 1) : 0,
      maxAttempts: r.retry_limit + 1,
      lastError: r.output?.message ?? null,
      createdAt: r.created_on,
      updatedAt: r.completed_on ?? r.started_on ?? r.created_on,
    };
  }

  findByKey(name: string, key: string): Promise<JobRecord | undefined> {
    return this.get(keyToJobId(name, key));
  }

  async waitFor(id: string): Promise<JobRecord> {
    for (;;) {
      const rec = await this.get(id);
      if (!rec) throw new Error(`job ${id} does not exist`);
      if (rec.state === 'completed' || rec.state === 'dead') return rec;
      await new Promise((r) => setTimeout(r, this.opts.pollMs));
    }
  }

  async retry(id: string): Promise<void> {
    const rec = await this.get(id);
    if (rec?.state === 'dead') await this.boss.retry(rec.name, id);
  }

  async counts(name?: string): Promise<Record<JobState, number>> {
    await this.connect();
    const { rows } = (await this.boss
      .getDb()
      .executeSql(
        `SELECT state, COUNT(*)::int AS n FROM ${this.schema}.job WHERE ($1::text IS NULL OR name = $1) GROUP BY state`,
        [name ?? null],
      )) as { rows: { state: string; n: number }[] };
    const out: Record<JobState, number> = { queued: 0, active: 0, completed: 0, dead: 0 };
    for (const r of rows) {
      const s = STATE[r.state];
      if (s) out[s] += r.n;
    }
    return out;
  }

  private ensureQueue(name: string): Promise<void> {
    let p = this.queues.get(name);
    if (!p) {
      // Serialised after the previous creation, for the same reason.
      const previous = Promise.all(this.queues.values());
      p = previous.then(() => this.boss.createQueue(name));
      p.catch(() => this.queues.delete(name));
      this.queues.set(name, p);
    }
    return p;
  }

  private async startWorkers(h: { name: string; handler: JobHandler; concurrency: number }): Promise<void> {
    await this.ensureQueue(h.name);
    // pg-boss 10 has no per-worker concurrency: N workers fetching one job each.
    for (let i = 0; i < h.concurrency; i++) {
      await this.boss.work(
        h.name,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: Math.max(0.5, this.opts.pollMs / 1000) },
        async (jobs) => {
          for (const job of jobs) {
            await h.handler(
              {
                id: job.id,
                name: job.name,
                payload: job.data,
                attempt: job.retryCount + 1,
                maxAttempts: job.retryLimit + 1,
              },
              this.abort.signal,
            );
          }
        },
      );
    }
  }
}
