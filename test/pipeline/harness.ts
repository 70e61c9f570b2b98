// Builds the pipeline over fakes and a real SQLite jobs database in a temporary directory; with `store: 'postgres'`
// the runs, records and outbox live in a fresh Postgres schema instead (the queue stays on SQLite).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.ts';
import type { JobQueue } from '../../src/jobs/job-queue.port.ts';
import { SqliteJobQueue } from '../../src/jobs/sqlite-queue.driver.ts';
import { openJobsDatabase } from '../../src/jobs/sqlite.database.ts';
import { SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import { PgEventOutbox } from '../../src/events/outbox.pg.ts';
import type { EventOutbox } from '../../src/events/event.types.ts';
import { openPgPipelineStore } from '../../src/apps/pipeline/pipeline.pg.driver.ts';
import type { PipelineStore } from '../../src/apps/pipeline/pipeline.types.ts';
import { freshPgSchema } from '../helpers/services.ts';
import { SqlitePipelineStore } from '../../src/apps/pipeline/pipeline.sqlite.driver.ts';
import { createSteps, summarize } from '../../src/apps/pipeline/pipeline.steps.ts';
import { PipelineService } from '../../src/apps/pipeline/pipeline.service.ts';
import { WorkflowEngine } from '../../src/apps/pipeline/workflow.engine.ts';
import { FakeFaces, FakeThumbnailer, MemoryObjectStore } from './fakes.ts';

export type StoreDriver = 'sqlite' | 'postgres';

export async function pipelineHarness(opts: { startQueue?: boolean; queue?: JobQueue; store?: StoreDriver } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fg-pipeline-'));
  const logger = createLogger('silent');
  const db = openJobsDatabase(join(dir, 'jobs.db'));
  const queue = opts.queue ?? new SqliteJobQueue({ db, logger, pollMs: 20 });
  const pg = opts.store === 'postgres' ? await freshPgSchema('pipe') : undefined;
  const store: PipelineStore = pg ? await openPgPipelineStore(pg.pool, pg.schema) : new SqlitePipelineStore(db);
  const outbox: EventOutbox = pg ? new PgEventOutbox(pg.pool, pg.schema) : new SqliteEventOutbox(db);
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
      await pg?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
