// The JobQueue contract on Postgres (pg-boss), on the test Postgres (test/helpers/services.ts); fails at once,
// naming the URL, when it is not reachable.
// Each queue gets its own schema, dropped at the end.
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createLogger } from '../../src/logger.ts';
import { PgBossJobQueue } from '../../src/jobs/pgboss-queue.driver.ts';
import { postgresUrl } from '../helpers/services.ts';
import { jobQueueContract } from './job-queue.contract.ts';

const URL = postgresUrl();
const logger = createLogger('silent');

jobQueueContract('pg-boss (Postgres)', async () => {
  const admin = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(`Postgres is not reachable at ${URL}: ${(e as Error).message}`);
  }
  const schemas: string[] = [];
  return {
    async create(o) {
      const schema = `fg_jobs_${randomBytes(4).toString('hex')}`;
      schemas.push(schema);
      const q = new PgBossJobQueue({ connectionString: URL, schema, logger, pollMs: 500, ...o });
      await q.start();
      return q;
    },
    async close() {
      for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await admin.end();
    },
  };
});

// A process of role `api` enqueues and reads jobs but never calls start(): the queue connects on first use, and a
// started queue (the worker process) runs what it enqueued.
test('a queue that was never started enqueues jobs that a started queue on the same schema runs', async () => {
  const schema = `fg_jobs_${randomBytes(4).toString('hex')}`;
  const producer = new PgBossJobQueue({ connectionString: URL, schema, logger, pollMs: 200 });
  const consumer = new PgBossJobQueue({ connectionString: URL, schema, logger, pollMs: 200 });
  const admin = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    const ran: unknown[] = [];
    consumer.work('hello', async (job) => void ran.push(job.payload));
    await consumer.start();
    const id = await producer.enqueue('hello', { n: 1 });
    const done = await Promise.race([
      producer.waitFor(id),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('job not run within 30 s')), 30_000).unref()),
    ]);
    assert.equal(done.state, 'completed');
    assert.deepEqual(ran, [{ n: 1 }]);
    assert.equal((await producer.counts('hello')).completed, 1);
  } finally {
    await producer.stop();
    await consumer.stop();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
});
