// The JobQueue port: durable background work with at-least-once delivery. Handlers must be idempotent: a job may
// run again after a crash (its lease expires) or after a failed attempt. Drivers: SQLite (sqlite-queue.driver.ts,
// embedded default) and Postgres via pg-boss (pgboss-queue.driver.ts). Both run test/jobs/job-queue.contract.ts.

export type JobState = 'queued' | 'active' | 'completed' | 'dead';

export interface EnqueueOptions {
  /**
   * Deduplication key: enqueueing a second job with the same name and key returns the first job's id and adds
   * nothing, whatever the first job's state. Lets a re-run step enqueue its successor without doubling it.
   */
  key?: string;
  /** Attempts before the job is dead-lettered (1 = no retry). */
  maxAttempts?: number;
  /** Delay before the second attempt, in ms; doubles for each further attempt. */
  backoffMs?: number;
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
  /** Among due jobs of one name, higher runs first (default 0). The pipeline favours later steps of started runs. */
  priority?: number;
}

/** What a handler receives. `attempt` counts from 1; attempt === maxAttempts is the last one. */
export interface Job<T = unknown> {
  id: string;
  name: string;
  payload: T;
  attempt: number;
  maxAttempts: number;
}

export interface JobRecord {
  id: string;
  name: string;
  key: string | null;
  state: JobState;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Resolve to complete the job; throw to fail this attempt (retried with backoff, dead after maxAttempts). */
export type JobHandler<T = unknown> = (job: Job<T>, signal: AbortSignal) => Promise<void>;

export interface WorkOptions {
  /** Jobs of this name running at once in this process. */
  concurrency?: number;
}

export interface JobQueue {
  enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<string>;
  /** Registers the handler for a job name; jobs are claimed once `start` was called. */
  work<T>(name: string, handler: JobHandler<T>, options?: WorkOptions): void;
  start(): Promise<void>;
  /** Stops claiming, aborts the handlers' signals and waits for in-flight jobs to settle. */
  stop(): Promise<void>;
  get(id: string): Promise<JobRecord | undefined>;
  /** The job enqueued with this name and dedupe key, if the queue still holds it. */
  findByKey(name: string, key: string): Promise<JobRecord | undefined>;
  /** Resolves once the job is completed or dead (a test and CLI seam; no polling by the caller). */
  waitFor(id: string): Promise<JobRecord>;
  /** Puts a dead job back in the queue with a fresh attempt budget. */
  retry(id: string): Promise<void>;
  /** Number of jobs per state, optionally for one name. */
  counts(name?: string): Promise<Record<JobState, number>>;
}

/** Delay before attempt `attempt + 1` after `attempt` failed: backoff · 2^(attempt−1), capped at one hour. */
export function retryDelayMs(backoffMs: number, attempt: number): number {
  return Math.min(backoffMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

/** The lease and retry policy every driver applies unless its caller overrides a field. */
export interface QueuePolicy {
  /** A worker that stops heart-beating loses its job after this long. */
  leaseMs: number;
  maxAttempts: number;
  /** First retry delay; doubles per attempt (retryDelayMs). */
  backoffMs: number;
  /** Jobs of one name run at once per process. */
  concurrency: number;
}

export function queuePolicy(o: Partial<QueuePolicy>): QueuePolicy {
  return {
    leaseMs: o.leaseMs ?? 30_000,
    maxAttempts: o.maxAttempts ?? 5,
    backoffMs: o.backoffMs ?? 1000,
    concurrency: o.concurrency ?? 2,
  };
}
