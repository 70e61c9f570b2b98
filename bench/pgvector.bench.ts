// SearchFaces-style kNN on pgvector (HNSW, cosine) beside the embedded exact scan, in one run: recall@1 and @10
// against the exact ranking, p50/p95 through the real `pg` client, HNSW build time, table and index size, and the
// effect of hnsw.ef_search. pgvector runs in PGlite (single-threaded WebAssembly) served over the wire by
// pglite-socket, so the figures are a floor: a native Postgres is faster. Synthetic 192-d faces (10 per identity at
// cosine ≈ 0.85, bench/collections.data.ts); probes are unseen faces of indexed identities.
// Run: nice -n 10 node --import tsx bench/pgvector.bench.ts [-- --faces 100000 --queries 200 --ef 20,40,80,100,160]
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { MemoryVectorIndex } from '../src/collections/memory.vector.driver.ts';
import { PgVectorIndex } from '../src/collections/pgvector.vector.driver.ts';
import type { VectorIndex } from '../src/collections/vector.port.ts';
import { pgliteUnavailable, startPgliteServer } from '../test/helpers/pglite.server.ts';
import { percentile, SyntheticFaces } from './collections.data.ts';

const { values: args } = parseArgs({
  options: {
    faces: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '200' },
    ef: { type: 'string', default: '20,40,80,100,160' },
    dim: { type: 'string', default: '192' },
  },
});
const N = Number(args.faces);
const Q = Number(args.queries);
const DIM = Number(args.dim);
const K = 10;
const missing = await pgliteUnavailable();
if (missing) {
  console.log(`skipped: ${missing}`);
  process.exit(0);
}

const faces = new SyntheticFaces(DIM, Math.max(1, Math.floor(N / 10)));
const id = (i: number) => `f${String(i).padStart(8, '0')}`;
const probes = Array.from({ length: Q }, (_, q) => faces.face(N + q * 7919));
const ms = (t: number) => `${t.toFixed(t < 10 ? 2 : 1)} ms`;
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

async function timed(index: VectorIndex, queries: Float32Array[]) {
  const times: number[] = [];
  const results: string[][] = [];
  for (const q of queries) {
    const t = performance.now();
    const hits = await index.search('c', q, K);
    times.push(performance.now() - t);
    results.push(hits.map((h) => h.id));
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), results };
}

function recall(got: string[][], truth: string[][]) {
  let at1 = 0;
  let at10 = 0;
  got.forEach((ids, q) => {
    const t = truth[q]!;
    if (ids[0] === t[0]) at1++;
    at10 += ids.filter((x) => t.includes(x)).length / t.length;
  });
  return { at1: at1 / got.length, at10: at10 / got.length };
}

console.log(`pgvector benchmark: ${N} faces × ${DIM}-d, ${Q} probes, k=${K}`);
console.log(`machine: ${cpus().length}× ${cpus()[0]?.model}, ${mb(totalmem())}, node ${process.version}, shared`);

// ---- embedded: the exact in-memory scans (ground truth from float32). ----
const exact = new MemoryVectorIndex();
const int8 = new MemoryVectorIndex({ quantize: true });
await exact.reserve('c', DIM, N);
await int8.reserve('c', DIM, N);
for (let i = 0; i < N; i += 4096) {
  const batch = Array.from({ length: Math.min(4096, N - i) }, (_, j) => ({ id: id(i + j), vector: faces.face(i + j) }));
  await exact.add('c', batch);
  await int8.add('c', batch);
}
const truth = await timed(exact, probes);
const q8 = await timed(int8, probes);
const rows: string[] = [];
rows.push(
  `| embedded float32 exact | — | 1.000 | 1.000 | ${ms(truth.p50)} | ${ms(truth.p95)} | ${mb(exact.bytes('c'))} |`,
);
const r8 = recall(q8.results, truth.results);
rows.push(
  `| embedded int8 exact (default) | — | ${r8.at1.toFixed(3)} | ${r8.at10.toFixed(3)} | ${ms(q8.p50)} | ${ms(q8.p95)} | ${mb(int8.bytes('c'))} |`,
);

// ---- pgvector on PGlite: load without the index, then build it once (as a bulk import would). ----
const server = await startPgliteServer();
try {
  const fresh = await server.freshSchema('bench');
  const s = `"${fresh.schema}"`;
  const index = await PgVectorIndex.open({ pool: fresh.pool, schema: fresh.schema });
  await index.add('c', [{ id: id(0), vector: faces.face(0) }]);
  await fresh.pool.query(`DROP INDEX ${s}.face_vectors_hnsw_${DIM}`);
  let t = performance.now();
  for (let i = 1; i < N; i += 500) {
    await index.add(
      'c',
      Array.from({ length: Math.min(500, N - i) }, (_, j) => ({ id: id(i + j), vector: faces.face(i + j) })),
    );
  }
  const loadMs = performance.now() - t;
  await fresh.pool.query(`SET maintenance_work_mem = '1GB'`);
  t = performance.now();
  await fresh.pool.query(
    `CREATE INDEX face_vectors_hnsw_${DIM} ON ${s}.face_vectors
     USING hnsw ((embedding::vector(${DIM})) vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE dim = ${DIM}`,
  );
  const buildMs = performance.now() - t;
  const size = await index.bytes();
  console.log(
    `load ${N} rows: ${(loadMs / 1000).toFixed(1)} s; HNSW build (m=16, ef_construction=64): ${(buildMs / 1000).toFixed(1)} s`,
  );
  console.log(`table ${mb(size.table)}, indexes ${mb(size.indexes)} (HNSW + primary key)`);
  for (const ef of args.ef.split(',').map(Number)) {
    const byEf = await PgVectorIndex.open({ pool: fresh.pool, schema: fresh.schema, efSearch: ef });
    await timed(byEf, probes.slice(0, 10)); // warm the index pages
    const r = await timed(byEf, probes);
    const rc = recall(r.results, truth.results);
    rows.push(
      `| pgvector HNSW (PGlite) | ${ef} | ${rc.at1.toFixed(3)} | ${rc.at10.toFixed(3)} | ${ms(r.p50)} | ${ms(r.p95)} | ${mb(size.table + size.indexes)} |`,
    );
  }
  // The same query without the index (sequential scan + sort): what the HNSW index saves.
  const seq: number[] = [];
  for (const q of probes.slice(0, 20)) {
    const lit = `[${Array.from(q).join(',')}]`;
    const c = await fresh.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL enable_indexscan = off');
      const t0 = performance.now();
      await c.query(
        `SELECT face_id FROM ${s}.face_vectors WHERE collection_id = 'c' ORDER BY embedding <=> $1::vector LIMIT ${K}`,
        [lit],
      );
      seq.push(performance.now() - t0);
      await c.query('COMMIT');
    } finally {
      c.release();
    }
  }
  seq.sort((a, b) => a - b);
  rows.push(
    `| pgvector exact scan (PGlite, 20 probes) | — | 1.000 | 1.000 | ${ms(percentile(seq, 50))} | ${ms(percentile(seq, 95))} | ${mb(size.table)} |`,
  );
  console.log('\n| index | ef_search | recall@1 | recall@10 | p50 | p95 | memory / storage |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
} finally {
  await server.stop();
}
