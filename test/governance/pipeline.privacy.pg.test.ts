// The pipeline's privacy holder on Postgres erases and exports what the SQLite holder does (runs, records with their
// face and objects, events, deliveries, SMS) and purges by the same cutoffs; a Postgres deployment keeps these rows
// in its schema, not in the SQLite file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openPgPipelineStore } from '../../src/apps/pipeline/pipeline.pg.driver.ts';
import { PgPipelinePrivacy } from '../../src/apps/pipeline/pipeline.privacy.pg.ts';
import { appendEventsPg } from '../../src/events/outbox.pg.ts';
import { openPgNotifyStore } from '../../src/notify/notify.pg.driver.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { freshPgSchema } from '../helpers/services.ts';

const T = Date.parse('2026-06-01T12:00:00Z');
const D = 24 * 3_600_000;

async function world() {
  const pg = await freshPgSchema('pprivacy');
  await openPgPipelineStore(pg.pool, pg.schema);
  const notify = await openPgNotifyStore(pg.pool, pg.schema, () => T);
  const dir = mkdtempSync(join(tmpdir(), 'fg-pprivacy-'));
  const objects = new LocalObjectStore(dir);
  const dropped: string[] = [];
  const privacy = new PgPipelinePrivacy(pg.pool, pg.schema, objects, async (_c, faceId) => void dropped.push(faceId));
  const s = `"${pg.schema}"`;
  const q = (sql: string, params: unknown[] = []) => pg.pool.query(sql, params);
  const run = (id: string, finished: number | null) =>
    q(
      `INSERT INTO ${s}.pipeline_runs (id, pipeline, state, input, created_at, updated_at, finished_at)
       VALUES ($1, 'default', $2, $3, 0, 0, $4)`,
      [id, finished ? 'succeeded' : 'running', JSON.stringify({ userId: `user-${id}` }), finished],
    );
  const step = (runId: string) =>
    q(
      `INSERT INTO ${s}.pipeline_steps (run_id, name, ord, stage, state) VALUES ($1, 'checkFaces', 0, 0, 'succeeded')`,
      [runId],
    );
  const record = async (runId: string, created: number) => {
    await objects.put('pipe', `${runId}.jpg`, new Uint8Array([1, 2, 3]));
    await q(
      `INSERT INTO ${s}.pipeline_records (run_id, pipeline, collection_id, user_id, face_id, bucket, object_key,
         thumbnail_key, attributes, timings, created_at) VALUES ($1, 'default', 'c', $2, $3, 'pipe', $4, NULL, '{}', '{}', $5)`,
      [runId, `user-${runId}`, `face-${runId}`, `${runId}.jpg`, created],
    );
  };
  const event = async (when: number, data: Record<string, unknown>) => {
    const [e] = await appendEventsPg(
      pg.pool,
      pg.schema,
      [{ type: 'face.indexed', pipeline: 'default', data }],
      new Date(when),
    );
    await q(`UPDATE ${s}.events SET dispatched_at = $1 WHERE id = $2`, [new Date(when).toISOString(), e!.id]);
    return e!.id;
  };
  const delivery = (id: string, eventId: string, when: number) =>
    q(
      `INSERT INTO ${s}.deliveries (id, event_id, event_type, subscription_id, channel, state, created_at, updated_at)
       VALUES ($1, $2, 'face.indexed', $3, 'webhook', 'delivered', $4, $4)`,
      [id, eventId, `sub-${id}`, when],
    );
  const ids = async (table: string, col = 'id') =>
    ((await q(`SELECT ${col} AS id FROM ${s}.${table} ORDER BY 1`)).rows as { id: string }[]).map((r) => r.id);
  return {
    ...{ notify, objects, privacy, dropped, run, step, record, event, delivery, ids },
    close: async () => {
      await pg.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('on Postgres the pipeline exports and erases a subject: runs, steps, records with face and objects, events, deliveries, SMS', async () => {
  const w = await world();
  try {
    await w.run('r1', T);
    await w.step('r1');
    await w.record('r1', T);
    await w.run('r2', T);
    const e = await w.event(T, { userId: 'user-r1' });
    await w.event(T, { userId: 'someone-else' });
    await w.delivery('d1', e, T);
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
      steps: 1,
      records: 1,
      events: 1,
      deliveries: 1,
      sms: 1,
    });
    assert.ok((await holder.erase(subject)) >= 6);
    assert.deepEqual(w.dropped, ['face-r1']);
    assert.equal(await w.objects.head('pipe', 'r1.jpg'), undefined);
    assert.deepEqual(await w.ids('pipeline_runs'), ['r2']);
    assert.deepEqual(await w.ids('pipeline_steps', 'run_id'), []);
    assert.equal((await w.ids('events')).length, 1);
    assert.deepEqual(await w.ids('deliveries'), []);
    assert.deepEqual(
      (await w.notify.listSms()).map((m) => m.body),
      ['unrelated'],
    );
  } finally {
    await w.close();
  }
});

test('on Postgres the pipeline purge removes exactly what is older than each cutoff', async () => {
  const w = await world();
  try {
    await w.run('old', T - 10 * D);
    await w.step('old');
    await w.run('new', T);
    await w.run('kept', T - 10 * D);
    await w.record('kept', T);
    await w.run('open', null);
    const oldEvent = await w.event(T - 10 * D, {});
    await w.event(T, {});
    await w.delivery('d-old', oldEvent, T - 10 * D);
    await w.delivery('d-new', oldEvent, T);
    const cut = T - D;
    const out = await w.privacy.purge({ runs: cut, events: cut, deliveries: cut, records: cut }, undefined);
    assert.deepEqual(out, { records: 0, deliveries: 1, events: 1, runs: 1 });
    assert.deepEqual(await w.ids('pipeline_runs'), ['kept', 'new', 'open']);
    assert.deepEqual(await w.ids('deliveries'), ['d-new']);
    assert.deepEqual(w.dropped, []);
    const records = await w.privacy.purge({ records: T + 1 }, 'default');
    assert.deepEqual(records, { records: 1 });
    assert.deepEqual(w.dropped, ['face-kept']);
  } finally {
    await w.close();
  }
});
