// The VectorIndex contract on pgvector (PGlite over the wire, through the real `pg` client), plus what only a
// database index has: the HNSW index is created and used, ef_search is applied, and a filtered search that the
// approximate scan leaves short is completed exactly. Also: the machine's Postgres without pgvector is detected.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import {
  knnSettings,
  knnSql,
  literal,
  PgVectorIndex,
  probePgvector,
} from '../../src/collections/pgvector.vector.driver.ts';
import { pgliteUnavailable, startPgliteServer, type PgliteServer } from '../helpers/pglite.server.ts';
import { postgresUrl } from '../helpers/services.ts';
import { unitVectors, vectorIndexContract } from './vector.contract.ts';

const missing = await pgliteUnavailable();
let server: PgliteServer | undefined;
const schemas: { close(): Promise<void> }[] = [];

if (missing) {
  test('pgvector VectorIndex contract', { skip: missing }, () => undefined);
} else {
  before(async () => {
    server = await startPgliteServer();
  });
  after(async () => {
    for (const s of schemas) await s.close();
    await server?.stop();
  });
  const make = async () => {
    const fresh = await server!.freshSchema('v');
    schemas.push(fresh);
    return PgVectorIndex.open({ pool: fresh.pool, schema: fresh.schema, efSearch: 40 });
  };
  // pgvector computes distances in float32 (the in-memory float32 driver sums differently): well under 1e-5.
  vectorIndexContract('pgvector (PGlite)', make, 1e-5);

  describe('pgvector specifics', () => {
    test('reports its version and that it has iterative index scans', async () => {
      const index = await make();
      assert.match(index.version, /^\d+\.\d+/);
    });

    test('the kNN statement walks the HNSW index of its dimension', async () => {
      const fresh = await server!.freshSchema('v');
      schemas.push(fresh);
      const index = await PgVectorIndex.open({ pool: fresh.pool, schema: fresh.schema });
      const vs = unitVectors(300, 12, 31);
      await index.add(
        'c',
        vs.map((vector, i) => ({ id: `f${i}`, vector })),
      );
      // The driver's own statement and settings, planned on fresh statistics (as after a bulk load).
      await fresh.pool.query(`ANALYZE "${fresh.schema}".face_vectors`);
      const c = await fresh.pool.connect();
      let plan = '';
      try {
        await c.query('BEGIN');
        for (const setting of knnSettings(40, true)) await c.query(setting);
        const { rows } = await c.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN ${knnSql(`"${fresh.schema}"`, 'c', literal(vs[5]!), 12, 20)}`,
        );
        plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        await c.query('ROLLBACK');
        c.release();
      }
      assert.match(plan, /Index Scan using face_vectors_hnsw_12/, plan);
      assert.equal((await index.search('c', vs[5]!, 3))[0]!.id, 'f5');
    });

    test('a filter that leaves the approximate candidates short is completed by an exact re-check', async () => {
      const index = await make();
      const vs = unitVectors(400, 16, 41);
      await index.add(
        'c',
        vs.map((vector, i) => ({ id: `f${String(i).padStart(3, '0')}`, vector })),
      );
      // Only 3 ids pass, the ones farthest from the query: no candidate list of the ANN scan holds them.
      const q = vs[0]!;
      const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
      const far = vs
        .map((v, i) => ({ id: `f${String(i).padStart(3, '0')}`, s: dot(q, v) }))
        .sort((a, b) => a.s - b.s)
        .slice(0, 3)
        .map((x) => x.id);
      const hits = await index.search('c', q, 3, (id) => far.includes(id));
      assert.deepEqual(hits.map((h) => h.id).sort(), [...far].sort());
    });

    test('collections of different dimensions live side by side, each with its own index', async () => {
      const index = await make();
      await index.add('a', [{ id: 'x', vector: unitVectors(1, 8, 1)[0]! }]);
      await index.add('b', [{ id: 'y', vector: unitVectors(1, 24, 2)[0]! }]);
      assert.equal((await index.search('a', unitVectors(1, 8, 1)[0]!, 1))[0]!.id, 'x');
      assert.equal((await index.search('b', unitVectors(1, 24, 2)[0]!, 1))[0]!.id, 'y');
    });
  });
}

test('the machine Postgres without pgvector is detected, not mistaken for one with it', async (t) => {
  const pool = new pg.Pool({ connectionString: postgresUrl(), max: 1, connectionTimeoutMillis: 3000 });
  try {
    const probe = await probePgvector(pool);
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_available_extensions WHERE name = 'vector'`,
    );
    if (Number(rows[0]!.n) > 0) {
      t.diagnostic('this Postgres has pgvector available');
      assert.equal(probe.available, true);
    } else {
      assert.equal(probe.available, false);
      assert.match(probe.available ? '' : probe.reason, /vector/);
      await assert.rejects(() => PgVectorIndex.open({ pool }), /vector/);
    }
  } finally {
    await pool.end();
  }
});
