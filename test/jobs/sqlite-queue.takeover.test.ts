// A queue started by the process that holds the data directory lock knows every 'active' job's worker is dead (it
// would hold the lock otherwise): it takes those jobs over at start instead of waiting out their leases.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/logger.ts';
import { SqliteJobQueue } from '../../src/jobs/sqlite-queue.driver.ts';
import { openJobsDatabase } from '../../src/jobs/sqlite.database.ts';

const logger = createLogger('silent');

test('a job held by a killed worker is taken over at start, its lease not waited out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-takeover-'));
  const db = openJobsDatabase(join(dir, 'jobs.db'));
  // The clock stands still: a lease can only end by takeover, never by time.
  const now = () => Date.parse('2026-01-01T00:00:00Z');
  try {
    const dead = new SqliteJobQueue({ db, logger, pollMs: 20, leaseMs: 30_000, now });
    const id = await dead.enqueue('step', { n: 1 });
    db.prepare(
      `UPDATE jobs SET state = 'active', attempts = 1, locked_by = 'killed-worker', locked_until = ? WHERE id = ?`,
    ).run(now() + 30_000, id);

    const q = new SqliteJobQueue({ db, logger, pollMs: 20, leaseMs: 30_000, now, takeOverAtStart: true });
    const ran = new Promise<unknown>((resolve) => q.work('step', async (job) => resolve(job.payload)));
    await q.start();
    // A guard, not a timing assertion: without the takeover the job would wait for a lease that never ends.
    let guard: NodeJS.Timeout | undefined;
    const stuck = new Promise((_, reject) => {
      guard = setTimeout(() => reject(new Error('the job was not taken over')), 20_000);
    });
    assert.deepEqual(await Promise.race([ran, stuck]), { n: 1 });
    clearTimeout(guard);
    assert.equal((await q.waitFor(id)).state, 'completed');
    await q.stop();
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
