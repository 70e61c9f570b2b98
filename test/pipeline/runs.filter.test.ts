// Listing runs of several pipelines at once (what a collection-scoped key's GET /v1/runs asks for) on both pipeline
// store drivers: only those pipelines' runs, newest first, full pages, and an empty list matches none.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openPgPipelineStore } from '../../src/apps/pipeline/pipeline.pg.driver.ts';
import { SqlitePipelineStore } from '../../src/apps/pipeline/pipeline.sqlite.driver.ts';
import type { PipelineStore } from '../../src/apps/pipeline/pipeline.types.ts';
import { freshPgSchema } from '../helpers/services.ts';

async function check(store: PipelineStore): Promise<void> {
  for (let i = 0; i < 9; i++) {
    const pipeline = ['a', 'b', 'c'][i % 3]!;
    await store.createRun(
      { id: `run-${i}`, pipeline, input: { bucket: 'in', key: `${i}.jpg`, source: 'upload' }, steps: [] },
      [],
    );
  }
  const ids = async (f: Parameters<PipelineStore['listRuns']>[0]) => (await store.listRuns(f)).map((r) => r.id);
  assert.deepEqual(await ids({ pipelines: ['a', 'c'], limit: 4 }), ['run-8', 'run-6', 'run-5', 'run-3']);
  assert.deepEqual(await ids({ pipelines: ['a', 'c'], before: 'run-3' }), ['run-2', 'run-0']);
  assert.deepEqual(await ids({ pipelines: ['b'], pipeline: 'a' }), []);
  assert.deepEqual(await ids({ pipelines: [] }), []);
  assert.equal((await ids({})).length, 9);
}

describe('listRuns with a list of pipelines', () => {
  test('SQLite', async () => {
    const db = new Database(':memory:');
    try {
      await check(new SqlitePipelineStore(db));
    } finally {
      db.close();
    }
  });

  test('Postgres', async () => {
    const pg = await freshPgSchema('runsfilter');
    try {
      await check(await openPgPipelineStore(pg.pool, pg.schema));
    } finally {
      await pg.close();
    }
  });
});
