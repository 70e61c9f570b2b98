// The JobQueue contract on Postgres (pg-boss), on the test Postgres (test/helpers/services.ts); fails at once,
// naming the URL, when it is not reachable.
// Each queue gets its own schema, dropped at the end.
import { randomBytes } from 'node:crypto';
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
