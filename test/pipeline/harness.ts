// Builds the pipeline over fakes and a real SQLite jobs database in a temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.ts';
import type { JobQueue } from '../../src/jobs/job-queue.port.ts';
import { SqliteJobQueue } from '../../src/jobs/sqlite-queue.driver.ts';
import { openJobsDatabase } from '../../src/jobs/sqlite.database.ts';
import { SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import { SqlitePipelineStore } from '../../src/apps/pipeline/pipeline.sqlite.driver.ts';
import { createSteps, summarize } from '../../src/apps/pipeline/pipeline.steps.ts';
import { PipelineService } from '../../src/apps/pipeline/pipeline.service.ts';
import { WorkflowEngine } from '../../src/apps/pipeline/workflow.engine.ts';
import { FakeFaces, FakeThumbnailer, MemoryObjectStore } from './fakes.ts';

export async function pipelineHarness(opts: { startQueue?: boolean; queue?: JobQueue } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fg-pipeline-'));
  const logger = createLogger('silent');
  const db = openJobsDatabase(join(dir, 'jobs.db'));
  const queue = opts.queue ?? new SqliteJobQueue({ db, logger, pollMs: 20 });
  const store = new SqlitePipelineStore(db);
  const outbox = new SqliteEventOutbox(db);
  const faces = new FakeFaces();
  const objects = new MemoryObjectStore();
  const thumbnails = new FakeThumbnailer();
  const steps = createSteps({ faces, objects, thumbnails, store });
  const engine = new WorkflowEngine({
    store,
    queue,
    steps,
    summarize,
    logger,
    definition: (name) => store.getPipeline(name),
  });
  engine.register();
  const service = new PipelineService({ store, engine, objects, logger });
  await service.define({ name: 'signup', collectionId: 'members', retry: { maxAttempts: 3, backoffMs: 5 } });
  if (opts.startQueue !== false) await queue.start();
  return {
    dir,
    db,
    queue,
    store,
    outbox,
    faces,
    objects,
    thumbnails,
    engine,
    service,
    async close() {
      await queue.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
