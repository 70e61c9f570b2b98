// The retention job with an injected clock purges exactly what is due, per schedule, and nothing else: people
// inactive past their collection's limit, pipeline faces (with their objects) per pipeline, finished runs,
// delivered events, deliveries, the SMS outbox and the audit log. Also the pipeline's erasure of a subject.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { PipelinePrivacy } from '../../src/apps/pipeline/pipeline.privacy.sqlite.ts';
import { SqlitePipelineStore } from '../../src/apps/pipeline/pipeline.sqlite.driver.ts';
import { appendEvents, SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import { AuditService } from '../../src/governance/audit.service.ts';
import { draftOf } from '../../src/governance/audit.scope.ts';
import { sqliteAuditStore } from '../../src/governance/audit.sqlite.ts';
import { retentionSchema } from '../../src/governance/retention.schema.ts';
import { RetentionService } from '../../src/governance/retention.service.ts';
import { openJobsDatabase } from '../../src/jobs/sqlite.database.ts';
import { SqliteNotifyStore } from '../../src/notify/notify.sqlite.driver.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';

const H = 3_600_000;
const D = 24 * H;
const T = Date.parse('2026-06-01T12:00:00Z');

async function world() {
  let now = T - 400 * D;
  const jobs = openJobsDatabase(':memory:');
  new SqlitePipelineStore(jobs);
  new SqliteEventOutbox(jobs);
  const notify = new SqliteNotifyStore(jobs, () => now);
  const dir = mkdtempSync(join(tmpdir(), 'fg-retention-'));
  const objects = new LocalObjectStore(dir);
  const dropped: string[] = [];
  const privacy = new PipelinePrivacy(jobs, objects, async (_c, faceId) => void dropped.push(faceId));
  const auditDb = new Database(':memory:');
  const audit = new AuditService(sqliteAuditStore(auditDb), () => now);
  const at = (ms: number) => (now = ms);
  const run = (id: string, pipeline: string, finished: number | null) =>
    jobs
      .prepare(
        `INSERT INTO pipeline_runs (id, pipeline, state, input, created_at, updated_at, finished_at, seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM pipeline_runs))`,
      )
      .run(id, pipeline, finished ? 'succeeded' : 'running', JSON.stringify({ userId: `user-${id}` }), 0, 0, finished);
  const record = async (runId: string, pipeline: string, created: number) => {
    await objects.put('pipe', `${runId}.jpg`, new Uint8Array([1, 2, 3]));
    jobs
      .prepare(
        `INSERT INTO pipeline_records (run_id, pipeline, collection_id, user_id, face_id, bucket, object_key,
           thumbnail_key, attributes, timings, created_at) VALUES (?, ?, 'c', ?, ?, 'pipe', ?, NULL, '{}', '{}', ?)`,
      )
      .run(runId, pipeline, `user-${runId}`, `face-${runId}`, `${runId}.jpg`, created);
  };
  const event = (pipeline: string, when: number, dispatched: boolean, data: Record<string, unknown> = {}) => {
    const [e] = appendEvents(jobs, [{ type: 'face.indexed', pipeline, data }], new Date(when));
    if (dispatched)
      jobs.prepare(`UPDATE events SET dispatched_at = ? WHERE id = ?`).run(new Date(when).toISOString(), e!.id);
    return e!.id;
  };
  const delivery = (id: string, eventId: string, when: number) =>
    jobs
      .prepare(
        `INSERT INTO deliveries (id, event_id, event_type, subscription_id, channel, state, created_at, updated_at)
         VALUES (?, ?, 'face.indexed', ?, 'webhook', 'delivered', ?, ?)`,
      )
      .run(id, eventId, `sub-${id}`, when, when);
  const count = (table: string) => (jobs.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const ids = (sql: string) => (jobs.prepare(sql).all() as { id: string }[]).map((r) => r.id).sort();
  return {
    jobs,
    notify,
    objects,
    privacy,
    audit,
    dropped,
    at,
    run,
    record,
    event,
    delivery,
    count,
    ids,
    close: () => (jobs.close(), auditDb.close(), rmSync(dir, { recursive: true, force: true })),
  };
}

test('the purge removes exactly what is due under each schedule', async () => {
  const w = await world();
  try {
    // Audit: one entry 31 days old (due under 30d), one 10 days old naming the active person.
    w.at(T - 31 * D);
    await w.audit.record(
      draftOf({ api: 'rest', operation: 'identify', actorKind: 'key', actorId: 'k', address: null }, {}, 'ok', []),
    );
    w.at(T - 10 * D);
    await w.audit.record(
      draftOf(
        { api: 'rest', operation: 'verifyPerson', actorKind: 'key', actorId: 'k', address: null },
        { personIds: ['p-active'] },
        'ok',
        [],
      ),
    );
    // Pipeline faces: door keeps 8h, others 7d.
    w.run('door-old', 'door', T - 9 * H);
    await w.record('door-old', 'door', T - 9 * H);
    w.run('door-new', 'door', T - 7 * H);
    await w.record('door-new', 'door', T - 7 * H);
    w.run('def-old', 'default', T - 8 * D);
    await w.record('def-old', 'default', T - 8 * D);
    w.run('def-new', 'default', T - 6 * D);
    await w.record('def-new', 'default', T - 6 * D);
    // Runs without a face: finished 8 days ago (due), 6 days ago (kept), and one still running.
    w.run('run-old', 'default', T - 8 * D);
    w.run('run-new', 'default', T - 6 * D);
    w.run('run-live', 'default', null);
    // Events: delivered 9h ago (due under 8h), 7h ago (kept), undelivered 20h ago (kept until delivered).
    const e1 = w.event('default', T - 9 * H, true);
    w.event('default', T - 7 * H, true);
    w.event('default', T - 20 * H, false);
    w.delivery('d-old', e1, T - 8 * D);
    w.delivery('d-new', e1, T - 6 * D);
    w.at(T - 25 * H);
    await w.notify.addSms({ to: '+100', body: 'old', eventId: null });
    w.at(T - 23 * H);
    await w.notify.addSms({ to: '+100', body: 'new', eventId: null });

    const people = [
      { personId: 'p-old', createdAt: new Date(T - 200 * D) },
      { personId: 'p-active', createdAt: new Date(T - 200 * D) },
      { personId: 'p-new', createdAt: new Date(T - 10 * D) },
    ];
    const erased: string[] = [];
    const config = retentionSchema.parse({
      default: { faces: '7d', runs: '7d', events: '8h', deliveries: '7d', sms: '1d', audit: '30d' },
      collections: { people: { people: '90d' } },
      pipelines: { door: { faces: '8h' } },
    });
    const retention = new RetentionService({
      config,
      auditRetentionDays: 365,
      audit: w.audit,
      people: {
        collectionId: 'people',
        async *all() {
          yield* people;
        },
        erase: async (id) => {
          erased.push(id);
          people.splice(
            people.findIndex((p) => p.personId === id),
            1,
          );
        },
      },
      pipeline: { names: async () => ['default', 'door'], purge: (c, p) => w.privacy.purge(c, p) },
      afterPurge: async () => void cleanups++,
      now: () => T,
    });
    let cleanups = 0;
    const report = await retention.run();
    assert.equal(cleanups, 1, 'the storage clean-up runs once after a run that removed anything');
    assert.deepEqual(report.removed, {
      people: 1,
      'pipeline:default.faces': 1,
      'pipeline:default.runs': 2,
      'pipeline:default.events': 1,
      'pipeline:door.faces': 1,
      'pipeline:door.runs': 0,
      'pipeline:door.events': 0,
      deliveries: 1,
      sms: 1,
      audit: 1,
    });
    assert.deepEqual(erased, ['p-old']);
    assert.deepEqual(w.dropped.sort(), ['face-def-old', 'face-door-old']);
    assert.deepEqual(w.ids(`SELECT run_id AS id FROM pipeline_records`), ['def-new', 'door-new']);
    assert.equal(await w.objects.head('pipe', 'door-old.jpg'), undefined);
    assert.ok(await w.objects.head('pipe', 'door-new.jpg'));
    // def-old's run finished 8 days ago and its face is gone: the run goes too. door-old's run is within 7d.
    assert.deepEqual(w.ids(`SELECT id FROM pipeline_runs`), ['def-new', 'door-new', 'door-old', 'run-live', 'run-new']);
    assert.equal(w.count('events'), 2);
    assert.deepEqual(w.ids(`SELECT id FROM deliveries`), ['d-new']);
    assert.deepEqual(
      (await w.notify.listSms()).map((m) => m.body),
      ['new'],
    );
    assert.equal((await w.audit.list({ limit: 10 })).length, 1);
    assert.equal((await w.audit.verify()).ok, true);

    const again = await retention.run();
    assert.equal(cleanups, 1, 'and not after a run that removed nothing');
    assert.ok(
      Object.values(again.removed).every((n) => n === 0),
      'a second run finds nothing due',
    );
    assert.equal((await retention.describe()).pipelines.door!.faces, 8 * H);
  } finally {
    w.close();
  }
});

test('the pipeline erases a subject: runs, records with their face and objects, events, deliveries, SMS', async () => {
  const w = await world();
  try {
    w.run('r1', 'default', T);
    await w.record('r1', 'default', T);
    w.run('r2', 'default', T);
    const e = w.event('default', T, true, { userId: 'user-r1' });
    w.event('default', T, true, { userId: 'someone-else' });
    w.delivery('d1', e, T);
    await w.notify.addSms({ to: '+33 6 1234', body: 'Zed is at the door', eventId: null });
    await w.notify.addSms({ to: '+1', body: 'unrelated', eventId: null });
    const holder = w.privacy.holder();
    const subject = {
      personId: 'p',
      collectionId: 'c',
      faceIds: [],
      externalIds: ['user-r1'],
      phones: ['+33 6 1234'],
    };
    const exported = (await holder.export(subject)).records as Record<string, unknown[]>;
    assert.deepEqual(Object.fromEntries(Object.entries(exported).map(([k, v]) => [k, v.length])), {
      runs: 1,
      steps: 0,
      records: 1,
      events: 1,
      deliveries: 1,
      sms: 1,
    });
    assert.ok((await holder.erase(subject)) >= 5);
    assert.deepEqual(w.dropped, ['face-r1']);
    assert.equal(await w.objects.head('pipe', 'r1.jpg'), undefined);
    assert.deepEqual(w.ids(`SELECT id FROM pipeline_runs`), ['r2']);
    assert.equal(w.count('events'), 1);
    assert.equal(w.count('deliveries'), 0);
    assert.deepEqual(
      (await w.notify.listSms()).map((m) => m.body),
      ['unrelated'],
    );
  } finally {
    w.close();
  }
});
