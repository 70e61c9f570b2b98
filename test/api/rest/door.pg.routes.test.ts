// The door part on Postgres (FACEGATE_DOOR_DATABASE_URL) in the real server: doors and the attempts audit land in
// the Postgres schema (the relay of its events is tested in test/door/pg.event.relay.test.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freshPgSchema } from '../../helpers/services.ts';
import { startServer, type Harness } from '../rekognition/rekognition.harness.ts';
import { stubEngine } from '../rekognition/stub.engine.ts';

let h: Harness;
let pg: Awaited<ReturnType<typeof freshPgSchema>>;

before(async () => {
  pg = await freshPgSchema('doorsrv');
  h = await startServer(
    { overrides: { engine: stubEngine } },
    { FACEGATE_DOOR_DATABASE_URL: pg.url, FACEGATE_DOOR_DATABASE_SCHEMA: pg.schema },
  );
});
after(async () => {
  await h?.close();
  await pg?.close();
});

test('doors and the attempts audit live on Postgres', async () => {
  const admin = (await (await h.container.get('restKeys')).create({ name: 'admin', role: 'admin' })).key;
  const headers = { 'x-api-key': admin, 'content-type': 'application/json' };
  const made = await fetch(`${h.url}/v1/doors`, { method: 'POST', headers, body: JSON.stringify({ id: 'front' }) });
  assert.equal(made.status, 201);
  const open = await fetch(`${h.url}/v1/door/front/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ passcode: '000000' }),
  });
  assert.equal(open.status, 403);
  const doors = await pg.pool.query(`SELECT id FROM "${pg.schema}".doors`);
  assert.deepEqual(doors.rows, [{ id: 'front' }]);
  const attempts = await pg.pool.query(`SELECT outcome FROM "${pg.schema}".door_attempts`);
  assert.deepEqual(attempts.rows, [{ outcome: 'wrong' }]);
});
