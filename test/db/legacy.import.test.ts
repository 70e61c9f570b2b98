// A data directory written by a version that kept one SQLite file per part (facegate.db for the collections with its
// own schema_migrations, apps.sqlite, jobs.db with jobs_migrations) opens as one database with every row, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { sqliteApiKeyStore } from '../../src/api/rest/keys/apikey.sqlite.ts';
import { SqlitePipelineStore } from '../../src/apps/pipeline/pipeline.sqlite.driver.ts';
import { pipelineDefinitionSchema } from '../../src/apps/pipeline/pipeline.types.ts';
import { sqliteCandidateStore } from '../../src/apps/proctor/candidates.sqlite.ts';
import { sqlitePeopleStore } from '../../src/apps/verify/people.sqlite.ts';
import { SqliteMetadataStore } from '../../src/collections/sqlite.metadata.driver.ts';
import { openDeploymentDatabase, openSqliteFile } from '../../src/db/sqlite.database.ts';
import { SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import { SqliteJobQueue } from '../../src/jobs/sqlite-queue.driver.ts';
import { SqliteNotifyStore } from '../../src/notify/notify.sqlite.driver.ts';
import { logger } from '../../src/logger.ts';
import { faceRow } from '../contract/metadata.contract.ts';

const person = {
  personId: 'p1',
  collectionId: 'people',
  name: 'Ann Lee',
  email: 'ann@example.com',
  phone: null,
  fields: {},
  createdAt: new Date(1),
  updatedAt: new Date(1),
};
const photo = {
  photoId: 'ph1',
  personId: 'p1',
  faceId: 'f1',
  objectKey: 'p1/ph1',
  thumbnailKey: 'p1/ph1.thumb.jpg',
  box: { left: 0.1, top: 0.1, width: 0.2, height: 0.2 },
  createdAt: new Date(1),
};

/** Re-creates the bookkeeping of the older layouts from what today's stores wrote. */
function asOldCollectionsFile(db: Database): void {
  db.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT;
    INSERT INTO schema_migrations SELECT version, 'v' || version, applied_at FROM app_migrations WHERE part = 'collections';
    DROP TABLE app_migrations;`);
}
function asOldJobsFile(db: Database): void {
  db.exec(`ALTER TABLE app_migrations RENAME TO jobs_migrations`);
}

async function writeLegacyDir(dir: string): Promise<void> {
  const col = openSqliteFile(join(dir, 'facegate.db'));
  const meta = new SqliteMetadataStore({ db: col });
  await meta.createCollection({
    id: 'people',
    faceModelVersion: 'test-v1',
    descriptorSize: 4,
    createdAt: new Date(),
    tags: {},
  });
  await meta.insertFaces([faceRow('people', 'f1', { externalImageId: 'p1' })]);
  asOldCollectionsFile(col);
  col.close();

  const apps = openSqliteFile(join(dir, 'apps.sqlite'));
  const keys = sqliteApiKeyStore(apps);
  await keys.insert({
    id: 'k1',
    name: 'ops',
    role: 'admin',
    collections: null,
    apps: null,
    secretHash: 'h',
    dailyQuota: null,
    createdAt: new Date(),
    revokedAt: null,
    lastUsedAt: null,
  });
  await keys.countRequest('k1', '2026-01-01', new Date());
  await sqlitePeopleStore(apps).insert(person, [photo]);
  await sqliteCandidateStore(apps).insert({
    externalImageId: 'c1',
    fullName: 'Cand',
    faceId: 'f9',
    createdAt: new Date(),
  });
  apps.close();

  const jobs = openSqliteFile(join(dir, 'jobs.db'));
  const queue = new SqliteJobQueue({ db: jobs, logger });
  await queue.enqueue('thumbs', { n: 1 });
  const runs = new SqlitePipelineStore(jobs);
  await runs.savePipeline(pipelineDefinitionSchema.parse({ name: 'default' }));
  await runs.createRun(
    {
      id: 'r1',
      pipeline: 'default',
      input: { bucket: 'uploads', key: 'a.jpg', source: 'upload' },
      steps: [{ name: 'detect', stage: 0 }],
    },
    [{ type: 'pipeline.started', pipeline: 'default', runId: 'r1', data: {} }],
  );
  new SqliteEventOutbox(jobs);
  await new SqliteNotifyStore(jobs).createSubscription({
    id: 's1',
    channel: 'webhook',
    target: 'http://example.com/h',
    eventTypes: ['face.indexed'],
    collectionId: null,
    pipeline: null,
    secret: null,
  });
  asOldJobsFile(jobs);
  jobs.close();
}

test('an older data directory is imported into one database once, with every row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-legacy-'));
  try {
    await writeLegacyDir(dir);
    const first = openDeploymentDatabase(dir);
    assert.deepEqual(
      first.imported.map((i) => i.file),
      ['apps.sqlite', 'jobs.db'],
    );
    for (const f of ['apps.sqlite', 'jobs.db']) {
      assert.ok(!existsSync(join(dir, f)), `${f} is retired`);
      assert.ok(existsSync(join(dir, `${f}.migrated`)));
    }
    const { db } = first;
    // Every store opens on the imported tables without re-running its migrations, and finds its rows.
    const meta = new SqliteMetadataStore({ db });
    assert.equal((await meta.getFaces('people', ['f1'])).length, 1);
    const keys = sqliteApiKeyStore(db, first.counters);
    assert.equal((await keys.get('k1'))?.name, 'ops');
    assert.equal(await keys.usage('k1', '2026-01-01'), 1);
    assert.equal((await sqlitePeopleStore(db).get('p1'))?.photos[0]?.faceId, 'f1');
    assert.equal((await sqliteCandidateStore(db).get('c1'))?.fullName, 'Cand');
    const queue = new SqliteJobQueue({ db, logger });
    const counts = await queue.counts();
    assert.equal(
      Object.values(counts).reduce((a, b) => a + b, 0),
      1,
    );
    const runs = new SqlitePipelineStore(db);
    assert.equal((await runs.getRun('r1'))?.pipeline, 'default');
    const events = await new SqliteEventOutbox(db).list();
    assert.equal(events.length, 1);
    assert.equal((await new SqliteNotifyStore(db).getSubscription('s1'))?.target, 'http://example.com/h');
    assert.equal((db.pragma('foreign_key_check') as unknown[]).length, 0);
    assert.equal(
      (db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'schema_migrations'`).get() as { n: number }).n,
      0,
    );
    first.close();

    const second = openDeploymentDatabase(dir);
    assert.deepEqual(second.imported, [], 'nothing is imported twice');
    assert.equal((second.db.prepare('SELECT COUNT(*) AS n FROM people').get() as { n: number }).n, 1);
    second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file whose import committed before a crash is only retired at the next start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-legacy-'));
  try {
    await writeLegacyDir(dir);
    const first = openDeploymentDatabase(dir);
    first.close();
    // As if the process died after the commit and before the rename: the old file is back in place.
    const { renameSync } = await import('node:fs');
    renameSync(join(dir, 'apps.sqlite.migrated'), join(dir, 'apps.sqlite'));
    const again = openDeploymentDatabase(dir);
    assert.deepEqual(again.imported, []);
    assert.ok(!existsSync(join(dir, 'apps.sqlite')));
    assert.equal((again.db.prepare('SELECT COUNT(*) AS n FROM people').get() as { n: number }).n, 1);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
