import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/logger.ts';
import { SqliteJobQueue } from '../../src/jobs/sqlite-queue.driver.ts';
import { openJobsDatabase } from '../../src/jobs/sqlite.database.ts';
import { jobQueueContract } from './job-queue.contract.ts';

const logger = createLogger('silent');

jobQueueContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-jobs-'));
  const dbs: ReturnType<typeof openJobsDatabase>[] = [];
  let n = 0;
  return {
    async create(o) {
      const db = openJobsDatabase(join(dir, `jobs-${n++}.db`));
      dbs.push(db);
      const q = new SqliteJobQueue({ db, logger, pollMs: 20, ...o });
      await q.start();
      return q;
    },
    async close() {
      for (const db of dbs) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

test('a job whose worker vanished is taken over once its lease expires', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-jobs-'));
  const path = join(dir, 'jobs.db');
  // Worker A claims the job and never finishes (stands in for a killed process: no settle, no heartbeat).
  // A's clock is frozen, so even its heartbeat cannot push the lease past B's clock.
  const dbA = openJobsDatabase(path);
  const a = new SqliteJobQueue({ db: dbA, logger, pollMs: 10, leaseMs: 1000, now: () => 1_000_000 });
  let claimedByA!: () => void;
  const aClaimed = new Promise<void>((r) => (claimedByA = r));
  a.work('step', () => {
    claimedByA();
    return new Promise<void>(() => {});
  });
  const id = await a.enqueue('step', { runId: 'r1' });
  await a.start();
  await aClaimed;
  // Only a's claim loop should stop; its handler stays pending forever, as if frozen.
  void a.stop();

  const dbB = openJobsDatabase(path);
  const b = new SqliteJobQueue({ db: dbB, logger, pollMs: 10, leaseMs: 1000, now: () => 1_001_001 });
  const attempts: number[] = [];
  b.work('step', async (job) => {
    attempts.push(job.attempt);
  });
  await b.start();
  const rec = await b.waitFor(id);
  assert.equal(rec.state, 'completed');
  assert.deepEqual(attempts, [2]);
  await b.stop();
  dbA.close();
  dbB.close();
  rmSync(dir, { recursive: true, force: true });
});

test('completed jobs past the retention are purged; dead jobs are kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-jobs-'));
  const db = openJobsDatabase(join(dir, 'jobs.db'));
  let clock = 1_000_000;
  const q = new SqliteJobQueue({ db, logger, pollMs: 10, retentionMs: 60_000, now: () => clock });
  q.work('ok', async () => {});
  q.work('bad', async () => {
    throw new Error('no');
  });
  await q.start();
  const ok = await q.enqueue('ok', {});
  const bad = await q.enqueue('bad', {}, { maxAttempts: 1 });
  await q.waitFor(ok);
  await q.waitFor(bad);
  assert.equal(q.purge(), 0, 'nothing is old enough yet');
  clock += 60_001;
  assert.equal(q.purge(), 1);
  assert.equal(await q.get(ok), undefined);
  assert.equal((await q.get(bad))?.state, 'dead');
  await q.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
