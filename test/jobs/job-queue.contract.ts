// The JobQueue contract: every driver runs these cases (sqlite-queue.test.ts, pgboss-queue.test.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobQueue } from '../../src/jobs/job-queue.port.ts';

export interface QueueHarness {
  /** A fresh, empty queue (own schema / file), started; options in ms. */
  create(options: { backoffMs: number; maxAttempts: number }): Promise<JobQueue>;
  close(): Promise<void>;
}

/** A promise with its resolver, to let a handler block until the test opens the gate. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

export function jobQueueContract(driver: string, harness: () => Promise<QueueHarness | string>): void {
  describe(`JobQueue contract: ${driver}`, () => {
    let h: QueueHarness | undefined;
    let skip: string | undefined;
    const queues: JobQueue[] = [];
    const make = async (o = { backoffMs: 5, maxAttempts: 3 }) => {
      const q = await h!.create(o);
      queues.push(q);
      return q;
    };

    before(async () => {
      const r = await harness();
      if (typeof r === 'string') skip = r;
      else h = r;
    });
    after(async () => {
      for (const q of queues) await q.stop();
      await h?.close();
    });

    test('runs an enqueued job once with its payload and reports it completed', async (t) => {
      if (skip) return t.skip(skip);
      const q = await make();
      const seen: unknown[] = [];
      q.work('echo', async (job) => {
        seen.push(job.payload);
      });
      const id = await q.enqueue('echo', { n: 1 });
      const rec = await q.waitFor(id);
      assert.equal(rec.state, 'completed');
      assert.equal(rec.attempts, 1);
      assert.deepEqual(seen, [{ n: 1 }]);
    });

    test('enqueueing the same name and key twice gives one job', async (t) => {
      if (skip) return t.skip(skip);
      const q = await make();
      let runs = 0;
      q.work('once', async () => {
        runs++;
      });
      const a = await q.enqueue('once', { x: 1 }, { key: 'run-1:step' });
      const b = await q.enqueue('once', { x: 2 }, { key: 'run-1:step' });
      assert.equal(a, b);
      await q.waitFor(a);
      const c = await q.enqueue('once', { x: 3 }, { key: 'run-1:step' });
      assert.equal(c, a, 'a completed job still deduplicates its key');
      assert.equal(runs, 1);
      assert.equal((await q.findByKey('once', 'run-1:step'))?.id, a);
      assert.equal(await q.findByKey('once', 'other'), undefined);
    });

    test('retries a failing job with increasing attempt numbers until it succeeds', async (t) => {
      if (skip) return t.skip(skip);
      const q = await make();
      const attempts: number[] = [];
      q.work('flaky', async (job) => {
        attempts.push(job.attempt);
        if (job.attempt < 3) throw new Error(`boom ${job.attempt}`);
      });
      const id = await q.enqueue('flaky', {}, { maxAttempts: 3, backoffMs: 5 });
      const rec = await q.waitFor(id);
      assert.equal(rec.state, 'completed');
      assert.deepEqual(attempts, [1, 2, 3]);
    });

    test('dead-letters a job after maxAttempts while other jobs keep running', async (t) => {
      if (skip) return t.skip(skip);
      const q = await make();
      q.work('always-fails', async () => {
        throw new Error('endpoint down');
      });
      let ok = 0;
      q.work('fine', async () => {
        ok++;
      });
      const bad = await q.enqueue('always-fails', {}, { maxAttempts: 2, backoffMs: 5 });
      const goods = await Promise.all([1, 2, 3].map((i) => q.enqueue('fine', { i })));
      for (const g of goods) assert.equal((await q.waitFor(g)).state, 'completed');
      const rec = await q.waitFor(bad);
      assert.equal(rec.state, 'dead');
      assert.equal(rec.attempts, 2);
      assert.match(rec.lastError ?? '', /endpoint down/);
      assert.equal(ok, 3);
    });

    test('a dead job can be put back and then completes', async (t) => {
      if (skip) return t.skip(skip);
      const q = await make();
      let healthy = false;
      q.work('revive', async () => {
        if (!healthy) throw new Error('not yet');
      });
      const id = await q.enqueue('revive', {}, { maxAttempts: 1 });
      assert.equal((await q.waitFor(id)).state, 'dead');
      healthy = true;
      await q.retry(id);
      assert.equal((await q.waitFor(id)).state, 'completed');
    });

    test('never runs more jobs of one name at once than its concurrency', async (t) => {
      if (skip) return t.skip(skip);
      const q = await make();
      let running = 0;
      let peak = 0;
      let started = 0;
      const g = gate();
      const twoStarted = gate();
      q.work(
        'limited',
        async () => {
          running++;
          started++;
          peak = Math.max(peak, running);
          if (started === 2) twoStarted.open();
          await g.promise;
          running--;
        },
        { concurrency: 2 },
      );
      const ids = await Promise.all([1, 2, 3, 4, 5].map((i) => q.enqueue('limited', { i })));
      await twoStarted.promise;
      assert.equal(started, 2, 'the third job waits while two hold the slots');
      g.open();
      for (const id of ids) await q.waitFor(id);
      assert.equal(peak, 2);
      assert.equal(started, 5);
    });

    test('among due jobs, a higher priority runs first', async (t) => {
      if (skip) return t.skip(skip);
      const q = await make();
      const order: string[] = [];
      const g = gate();
      const blocking = gate();
      q.work(
        'prio',
        async (job) => {
          const { tag } = job.payload as { tag: string };
          if (tag === 'blocker') {
            blocking.open();
            await g.promise;
          }
          order.push(tag);
        },
        { concurrency: 1 },
      );
      const blocker = await q.enqueue('prio', { tag: 'blocker' });
      await blocking.promise; // the only slot is taken: the next two wait side by side
      const low = await q.enqueue('prio', { tag: 'low' }, { priority: 0 });
      const high = await q.enqueue('prio', { tag: 'high' }, { priority: 5 });
      g.open();
      for (const id of [blocker, low, high]) await q.waitFor(id);
      assert.deepEqual(order, ['blocker', 'high', 'low']);
    });

    test('counts jobs by state', async (t) => {
      if (skip) return t.skip(skip);
      const q = await make();
      q.work('countme', async () => {});
      const id = await q.enqueue('countme', {});
      await q.waitFor(id);
      const c = await q.counts('countme');
      assert.equal(c.completed, 1);
      assert.equal(c.queued + c.active + c.dead, 0);
    });
  });
}
