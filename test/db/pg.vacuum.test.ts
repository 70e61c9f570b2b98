// The vacuum after an erasure on Postgres: tables up to the size limit are rewritten, larger ones vacuumed in place,
// a rewrite whose lock is not granted in time falls back to a plain VACUUM, tables that do not exist are skipped,
// and a transaction older than the erasure is waited for (bounded) and reported when it outlives the wait.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vacuumTables } from '../../src/db/pg.vacuum.ts';
import { freshPgSchema } from '../helpers/services.ts';

async function world() {
  const pg = await freshPgSchema('vac');
  const s = `"${pg.schema}"`;
  for (const t of ['people', 'faces']) {
    await pg.pool.query(`CREATE TABLE ${s}.${t} (id TEXT PRIMARY KEY, name TEXT NOT NULL)`);
    await pg.pool.query(`INSERT INTO ${s}.${t} SELECT g::text, 'name ' || g FROM generate_series(1, 200) g`);
    await pg.pool.query(`DELETE FROM ${s}.${t} WHERE id = '7'`);
  }
  return { pg, s };
}

test('small tables are rewritten, large ones vacuumed in place, missing ones skipped', async () => {
  const { pg } = await world();
  try {
    const all = await vacuumTables(pg.pool, pg.schema, ['people', 'faces', 'absent'], { rewriteMaxBytes: 1e9 });
    assert.deepEqual(all, { rewritten: ['faces', 'people'], vacuumed: [], failed: [], olderTransactions: [] });
    const none = await vacuumTables(pg.pool, pg.schema, ['people', 'faces'], { rewriteMaxBytes: 0 });
    assert.deepEqual(none, { rewritten: [], vacuumed: ['faces', 'people'], failed: [], olderTransactions: [] });
  } finally {
    await pg.close();
  }
});

test('a busy table is vacuumed in place; an older open transaction is waited for, then reported', async () => {
  const { pg, s } = await world();
  const other = await pg.pool.connect();
  try {
    await other.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await other.query(`SELECT count(*) FROM ${s}.people`); // holds a snapshot and an ACCESS SHARE lock
    const busy = await vacuumTables(pg.pool, pg.schema, ['people', 'faces'], {
      rewriteMaxBytes: 1e9,
      lockTimeoutMs: 200,
      olderTransactionsWaitMs: 300,
    });
    assert.deepEqual([busy.rewritten, busy.vacuumed], [['faces'], ['people']]);
    assert.equal(busy.olderTransactions.length, 1);
    assert.match(busy.olderTransactions[0]!, /^pid \d+ /);

    // Ended while the run waits: nothing is reported.
    const waiting = vacuumTables(pg.pool, pg.schema, ['people'], { rewriteMaxBytes: 1e9 });
    await new Promise((r) => setTimeout(r, 300));
    await other.query('COMMIT');
    assert.deepEqual(await waiting, { rewritten: ['people'], vacuumed: [], failed: [], olderTransactions: [] });
  } finally {
    other.release();
    await pg.close();
  }
});
