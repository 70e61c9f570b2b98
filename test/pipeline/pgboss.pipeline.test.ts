// The same workflow on the Postgres queue (pg-boss): a run succeeds and a group photo fails, as on SQLite.
// Needs the test Postgres (test/helpers/services.ts); fails at once, naming the URL, when it is not reachable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createLogger } from '../../src/logger.ts';
import { PgBossJobQueue } from '../../src/jobs/pgboss-queue.driver.ts';
import { pipelineHarness } from './harness.ts';
import { postgresUrl } from '../helpers/services.ts';
import { portrait } from './fakes.ts';

const URL = postgresUrl();

describe('upload pipeline on the pg-boss queue', () => {
  const schema = `fg_pipe_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3000 });
  let h: Awaited<ReturnType<typeof pipelineHarness>>;

  before(async () => {
    try {
      await admin.connect();
    } catch (e) {
      throw new Error(`Postgres is not reachable at ${URL}: ${(e as Error).message}`);
    }
    const queue = new PgBossJobQueue({ connectionString: URL, schema, logger: createLogger('silent'), pollMs: 500 });
    h = await pipelineHarness({ queue });
    h.faces.scenes.set(1, [portrait()]);
    h.faces.scenes.set(2, [portrait(), portrait()]);
  });
  after(async () => {
    await h?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  test('a one-face photo succeeds and a two-face photo fails PhotoDoesNotMeetRequirement', async () => {
    const [ok, group] = await Promise.all([
      h.service.upload('signup', new Uint8Array([1]), { userId: 'pat' }),
      h.service.upload('signup', new Uint8Array([2])),
    ]);
    const done = await h.engine.waitForRun(ok.id);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    assert.equal(h.faces.indexed.length, 1);
    const failed = await h.engine.waitForRun(group.id);
    assert.equal(failed.error?.code, 'PhotoDoesNotMeetRequirement');
  });
});
