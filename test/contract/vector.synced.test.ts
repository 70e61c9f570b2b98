// The in-process index kept in step through Postgres (the fallback when pgvector is missing), on the machine's
// Postgres: the VectorIndex contract, then several index instances on one schema, standing for several processes:
// changes reach the others through NOTIFY, and one that missed every notification catches up from the log.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SyncedVectorIndex } from '../../src/collections/synced.vector.driver.ts';
import { createLogger } from '../../src/logger.ts';
import { freshPgSchema } from '../helpers/services.ts';
import { unitVectors, vectorIndexContract } from './vector.contract.ts';

const logger = createLogger('silent');
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function schema() {
  const fresh = await freshPgSchema('vs');
  cleanups.push(() => fresh.close());
  return fresh;
}

async function open(
  fresh: Awaited<ReturnType<typeof schema>>,
  opts: Partial<Parameters<typeof SyncedVectorIndex.open>[0]> = {},
) {
  const index = await SyncedVectorIndex.open({ pool: fresh.pool, schema: fresh.schema, logger, ...opts });
  cleanups.push(() => index.close());
  return index;
}

vectorIndexContract(
  'in-memory kept in step through Postgres',
  async () => open(await schema(), { listen: false }),
  1e-5,
);

describe('in-memory indexes kept in step across processes', () => {
  test('a change made through one instance reaches a listening one by notification', async () => {
    const fresh = await schema();
    const a = await open(fresh, { consistency: 'notify' });
    const b = await open(fresh, { consistency: 'notify' });
    const vs = unitVectors(3, 32, 5);
    await a.add(
      'c',
      vs.map((vector, i) => ({ id: `f${i}`, vector })),
    );
    await b.waitFor(a.lastWrite);
    assert.equal((await b.search('c', vs[1]!, 1))[0]!.id, 'f1');
    await a.remove('c', ['f1']);
    await b.waitFor(a.lastWrite);
    assert.notEqual((await b.search('c', vs[1]!, 1))[0]!.id, 'f1');
    assert.equal(await b.size('c'), 2);
    assert.equal(b.status().listening, true);
  });

  test('an instance that missed every notification catches up from the change log', async () => {
    const fresh = await schema();
    const a = await open(fresh, { consistency: 'notify' });
    const deaf = await open(fresh, { consistency: 'notify', listen: false });
    const vs = unitVectors(40, 16, 9);
    await a.add(
      'c',
      vs.slice(0, 30).map((vector, i) => ({ id: `f${i}`, vector })),
    );
    await a.remove('c', ['f3', 'f4']);
    await a.add('d', [{ id: 'x', vector: vs[35]! }]);
    await a.dropCollection('d');
    await a.add('d', [{ id: 'y', vector: unitVectors(1, 8, 2)[0]! }]); // re-created with another dimension
    assert.equal(await deaf.size('c'), 0, 'nothing arrived without notifications');
    await deaf.catchUp(); // what its timer does
    assert.equal(deaf.status().cursor, a.lastWrite);
    assert.equal(await deaf.size('c'), 28);
    assert.equal(await deaf.get('c', 'f3'), undefined);
    assert.equal((await deaf.search('c', vs[7]!, 1))[0]!.id, 'f7');
    assert.deepEqual(
      (await deaf.search('d', unitVectors(1, 8, 2)[0]!, 5)).map((h) => h.id),
      ['y'],
    );
  });

  test("strict reads see another instance's write at once, without any notification", async () => {
    const fresh = await schema();
    const a = await open(fresh);
    const b = await open(fresh, { listen: false });
    const [v] = unitVectors(1, 16, 3);
    await a.add('c', [{ id: 'now', vector: v! }]);
    assert.equal((await b.search('c', v!, 1))[0]?.id, 'now');
  });

  test('a new instance starts from a snapshot of the rows and the log position they reflect', async () => {
    const fresh = await schema();
    const a = await open(fresh);
    const vs = unitVectors(10, 8, 4);
    await a.add(
      'c',
      vs.map((vector, i) => ({ id: `f${i}`, vector })),
    );
    await a.remove('c', ['f0']);
    const late = await open(fresh, { consistency: 'notify', listen: false });
    assert.equal(late.status().cursor, a.lastWrite);
    assert.equal(await late.size('c'), 9);
  });

  test('a collection refuses another dimension even when the first add came from another instance', async () => {
    const fresh = await schema();
    const a = await open(fresh);
    const b = await open(fresh);
    await a.add('c', [{ id: 'x', vector: unitVectors(1, 16)[0]! }]);
    await assert.rejects(() => b.add('c', [{ id: 'y', vector: unitVectors(1, 8)[0]! }]), /holds 16/);
  });

  test('writers keep the log bounded; an instance left behind the trimmed log reloads from a snapshot', async () => {
    const fresh = await schema();
    const a = await open(fresh, { logRetain: 10 });
    const deaf = await open(fresh, { consistency: 'notify', listen: false });
    const vs = unitVectors(1500, 8, 21);
    await a.add(
      'c',
      vs.slice(0, 1200).map((vector, i) => ({ id: `f${i}`, vector })),
    );
    await a.remove('c', ['f0']);
    const { rows } = await fresh.pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${fresh.schema}".vector_log`);
    assert.ok(Number(rows[0]!.n) <= 11, `log holds ${rows[0]!.n} entries`);
    await deaf.catchUp();
    assert.equal(deaf.status().cursor, a.lastWrite);
    assert.equal(await deaf.size('c'), 1199);
    assert.equal(await deaf.get('c', 'f0'), undefined);
    assert.equal((await deaf.search('c', vs[700]!, 1))[0]!.id, 'f700');
  });
});
