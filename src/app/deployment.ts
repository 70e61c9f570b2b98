// What a process of each role runs, and whether it must own the data directory. Roles split one deployment over
// many processes on one Postgres and one object store: `api` serves HTTP and runs no job workers; `worker` runs
// the job workers and the outbox delivery and serves only /healthz, /readyz and /metrics; `all` does both.
import type { Config } from '../config/config.schema.ts';

export type Role = 'api' | 'worker' | 'all';

export interface RolePlan {
  /** full: every API and the console; health: /healthz, /readyz and /metrics only. */
  http: 'full' | 'health';
  /** Pipeline step workers, notification delivery, the outbox and watched directories. */
  workers: boolean;
}

export function rolePlan(role: Role): RolePlan {
  switch (role) {
    case 'api':
      return { http: 'full', workers: false };
    case 'worker':
      return { http: 'health', workers: true };
    case 'all':
      return { http: 'full', workers: true };
  }
}

/**
 * The state this configuration keeps inside the data directory. While any is there, one process must own the
 * directory (an in-memory index and SQLite writers are not shared): `serve` takes the data-directory lock. On
 * Postgres (FACEGATE_DATABASE_URL) every table is there — collections, people, keys, pipeline runs, events,
 * deliveries, the door, cameras, governance — and the queue is pg-boss; the SQLite file is still opened but holds
 * nothing the deployment reads. Objects stay local unless a bucket is configured.
 */
export function dataDirState(config: Pick<Config, 'database' | 'objectStore' | 'jobs'>): string[] {
  const state: string[] = [];
  const onPg = Boolean(config.database.url);
  if (!onPg) {
    state.push('collections, people and keys (SQLite)');
    state.push('pipeline runs, events and deliveries (SQLite)');
  }
  if (!config.objectStore.bucket) state.push('objects (local directory)');
  // With FACEGATE_DATABASE_URL the pipeline's queue is pg-boss whatever FACEGATE_JOBS_DRIVER says.
  if (!onPg && config.jobs.driver === 'sqlite') state.push('jobs (SQLite)');
  return state;
}
