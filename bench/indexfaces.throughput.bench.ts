// IndexFaces throughput on Postgres with 1 and 2 processes, beside the embedded default, and RSS per process. Real
// `facegate serve` child processes (the real engine), LFW photos of distinct people (250×250, first photo of each):
//   - embedded: one `--role all` process (SQLite, local objects): IndexFaces through @aws-sdk/client-rekognition,
//     and the same photos uploaded to a pipeline (checks → duplicate → index ∥ thumbnail → persist);
//   - Postgres (the machine's 127.0.0.1:5432, a fresh schema; vectors on the in-memory index kept in step, as this
//     Postgres has no pgvector) + S3 (s3rver in this process): IndexFaces through 1, then 2 `--role api` processes
//     (round robin; both up, no worker yet); then pipeline uploads through one API process run by 1, then 2
//     `--role worker` processes. Every setting at its default (jobs poll 250 ms, 2 steps at a time per worker).
// Faces/s counts faces indexed (FaceRecords; succeeded runs); runs/s counts every finished run. Each measurement is
// repeated (--rounds) into a fresh collection and the median printed. RSS: VmRSS and VmHWM of /proc/<pid>/status.
// The machine has 2 cores shared with other work: figures are upper bounds on latency, lower bounds on throughput.
// Run: nice -n 10 node --import tsx bench/indexfaces.throughput.bench.ts [--photos 24 --rounds 3 --concurrency 4 --datasets DIR]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateCollectionCommand, IndexFacesCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { startS3Server } from '../test/helpers/s3.server.ts';
import { freshPgSchema } from '../test/helpers/services.ts';
import { ProcessSet, waitFor, type Served } from '../test/scale/process.harness.ts';

const { values: args } = parseArgs({
  allowPositionals: true, // a leading `--` (npm run style) is accepted
  options: {
    photos: { type: 'string', default: '24' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    datasets: { type: 'string' },
  },
});
const N = Number(args.photos);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);
const LFW = join(resolve(args.datasets ?? resolve(import.meta.dirname, '../../shared/datasets')), 'lfw/images');
if (!existsSync(LFW)) {
  console.log(`skipped: ${LFW} is absent (needs ../shared/datasets)`);
  process.exit(0);
}
const photos = readdirSync(LFW)
  .sort()
  .slice(0, N)
  .map((name) => readFileSync(join(LFW, name, readdirSync(join(LFW, name)).sort()[0]!)));
const SIGV4 = { accessKeyId: 'AKIDTHROUGHPUT000001', secretAccessKey: 'throughput-secret-0123456789abcdef' };
const sigv4Env = { FACEGATE_ACCESS_KEY_ID: SIGV4.accessKeyId, FACEGATE_SECRET_ACCESS_KEY: SIGV4.secretAccessKey };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
const fmt = (x: number) => x.toFixed(x < 10 ? 2 : 1);
const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;

/** Runs `task` over `items` with at most `n` at once. */
async function inParallel<T>(items: T[], n: number, task: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await task(items[i]!, i);
    }),
  );
}

function rss(p: Served): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${p.child.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

interface Measure {
  facesPerS: number;
  runsPerS?: number;
  /** What the round did, for the log: seconds, runs by outcome. */
  detail?: string;
}

/** A process start can fail on this loaded machine (a Postgres connection timing out at start): try again. */
async function serve(
  procs: ProcessSet,
  name: string,
  role: 'api' | 'worker' | 'all',
  dataDir?: string,
): Promise<Served> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await procs.serve(`${name}${attempt > 1 ? `-${attempt}` : ''}`, role, {}, ...(dataDir ? [dataDir] : []));
    } catch (e) {
      if (attempt === 3) throw e;
      console.log(`  (${name} did not start: ${(e as Error).message.split('\n')[0]!.slice(0, 160)}; retrying)`);
    }
  }
}

/** IndexFaces of every photo into a fresh collection, CONCURRENCY in flight, round robin over the API processes. */
async function indexFaces(apis: Served[], collection: string): Promise<Measure> {
  const clients = apis.map(
    (p) => new RekognitionClient({ endpoint: p.url, region: 'us-east-1', credentials: SIGV4, maxAttempts: 1 }),
  );
  try {
    await clients[0]!.send(new CreateCollectionCommand({ CollectionId: collection }));
    let faces = 0;
    const t0 = performance.now();
    await inParallel(photos, CONCURRENCY, async (bytes, i) => {
      const out = await clients[i % clients.length]!.send(
        new IndexFacesCommand({ CollectionId: collection, Image: { Bytes: bytes }, MaxFaces: 1 }),
      );
      faces += out.FaceRecords?.length ?? 0;
    });
    const seconds = (performance.now() - t0) / 1000;
    return { facesPerS: faces / seconds, detail: `${seconds.toFixed(1)} s, ${faces} faces` };
  } finally {
    for (const c of clients) c.destroy();
  }
}

/** Every photo uploaded to a fresh pipeline (its own collection) through `api`; waits until every run finished. */
async function pipelineRound(api: Served, key: string, name: string): Promise<Measure> {
  const rest = async (method: string, path: string, body?: Buffer | object) => {
    const raw = Buffer.isBuffer(body);
    const res = await fetch(`${api.url}/v1${path}`, {
      method,
      headers: {
        'x-api-key': key,
        ...(body !== undefined && { 'content-type': raw ? 'image/jpeg' : 'application/json' }),
      },
      ...(body !== undefined && { body: raw ? new Uint8Array(body) : JSON.stringify(body) }),
    });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  await rest('PUT', `/pipelines/${name}`, { collectionId: name });
  const t0 = Date.now();
  const ids: string[] = [];
  await inParallel(photos, CONCURRENCY, async (bytes, i) => {
    ids.push(String((await rest('POST', `/pipelines/${name}/uploads?userId=p${i}`, bytes)).runId));
  });
  const runs = await waitFor(
    `the ${name} runs to finish`,
    async () => {
      const list = (await rest('GET', `/runs?pipeline=${name}&limit=500`)).runs as {
        state: string;
        finishedAt: string | null;
      }[];
      return list.length === ids.length && list.every((r) => r.state !== 'running') ? list : undefined;
    },
    30 * 60_000,
  );
  const last = Math.max(...runs.map((r) => Date.parse(r.finishedAt!)));
  const seconds = (last - t0) / 1000;
  const ok = runs.filter((r) => r.state === 'succeeded').length;
  const detail = `${seconds.toFixed(1)} s, ${ok} succeeded, ${runs.length - ok} refused`;
  return { facesPerS: ok / seconds, runsPerS: runs.length / seconds, detail };
}

async function rounds(label: string, measure: (round: number) => Promise<Measure>): Promise<Measure> {
  await measure(-1); // warm-up, not counted (first requests, JIT, connection pools)
  const got: Measure[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    got.push(await measure(r));
    console.log(`    round ${r + 1}: ${got[r]!.detail} (load ${loadavg()[0]!.toFixed(1)})`);
  }
  const out: Measure = { facesPerS: median(got.map((m) => m.facesPerS)) };
  if (got[0]?.runsPerS !== undefined) out.runsPerS = median(got.map((m) => m.runsPerS!));
  const all = got.map((m) => fmt(m.facesPerS)).join(', ');
  console.log(
    `${label.padEnd(44)} ${fmt(out.facesPerS).padStart(6)} faces/s` +
      (out.runsPerS !== undefined ? `  ${fmt(out.runsPerS).padStart(6)} runs/s` : '') +
      `   (rounds: ${all})`,
  );
  return out;
}

function memory(procs: Served[]): void {
  for (const p of procs) {
    const m = rss(p);
    console.log(`  RSS ${p.name.padEnd(12)} ${mib(m.rss).padStart(8)} (peak ${mib(m.hwm)})`);
  }
}

console.log(`IndexFaces throughput: ${photos.length} LFW photos, ${ROUNDS} rounds, ${CONCURRENCY} requests in flight`);
console.log(`machine: ${cpus().length}× ${cpus()[0]?.model}, ${mib(totalmem() / 1024)}, node ${process.version}`);
console.log(
  `load average at start: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (shared machine)\n`,
);

const results: Record<string, Measure> = {};

// ---- embedded default: one process, SQLite, local objects ----
{
  const procs = new ProcessSet(sigv4Env);
  try {
    const dataDir = procs.dataDir('embedded');
    const key = (
      JSON.parse(procs.run(['keys', 'create', '--name', 'b', '--admin', '--json'], { dataDir })) as {
        key: string;
      }
    ).key;
    const all = await serve(procs, 'embedded', 'all', dataDir);
    console.log('embedded default (SQLite, local objects, one --role all process)');
    results.embIndex = await rounds('  IndexFaces, 1 process', (r) => indexFaces([all], `emb-${r + 1}`));
    results.embPipe = await rounds('  pipeline uploads, 1 process', (r) => pipelineRound(all, key, `emb-p${r + 1}`));
    memory([all]);
  } finally {
    await procs.stopAll();
  }
}

// ---- Postgres + S3: one API process, 1 then 2 workers; 1 then 2 API processes ----
let pg: Awaited<ReturnType<typeof freshPgSchema>>;
try {
  pg = await freshPgSchema('bench_tp');
} catch (e) {
  console.log(`\nPostgres part skipped: ${(e as Error).message}`);
  process.exit(0);
}
const s3 = await startS3Server(['facegate']);
const procs = new ProcessSet({
  ...sigv4Env,
  FACEGATE_DATABASE_URL: pg.url,
  FACEGATE_DATABASE_SCHEMA: pg.schema,
  FACEGATE_DATABASE_POOL_SIZE: '4',
  FACEGATE_S3_BUCKET: 'facegate',
  FACEGATE_S3_ENDPOINT: s3.endpoint,
  FACEGATE_S3_FORCE_PATH_STYLE: 'true',
  FACEGATE_S3_ACCESS_KEY_ID: s3.accessKeyId,
  FACEGATE_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  FACEGATE_S3_PORT: '0',
});
try {
  const key = (JSON.parse(procs.run(['keys', 'create', '--name', 'b', '--admin', '--json'])) as { key: string }).key;
  // IndexFaces first, with both API processes up and no worker: 1 vs 2 differ only in where requests go.
  const [api1, api2] = [await serve(procs, 'api-1', 'api'), await serve(procs, 'api-2', 'api')];
  console.log('\nPostgres + S3 (s3rver), in-memory vectors kept in step');
  results.pgIndex1 = await rounds('  IndexFaces, 1 API process', (r) => indexFaces([api1], `pg1-${r + 1}`));
  results.pgIndex2 = await rounds('  IndexFaces, 2 API processes', (r) => indexFaces([api1, api2], `pg2-${r + 1}`));
  // Then the pipeline: uploads through api-1, run by 1, then 2 workers.
  const w1 = await serve(procs, 'worker-1', 'worker');
  results.pgPipe1 = await rounds('  pipeline uploads, 1 worker', (r) => pipelineRound(api1, key, `pg-w1-${r + 1}`));
  const w2 = await serve(procs, 'worker-2', 'worker');
  results.pgPipe2 = await rounds('  pipeline uploads, 2 workers', (r) => pipelineRound(api1, key, `pg-w2-${r + 1}`));
  memory([api1, api2, w1, w2]);
} finally {
  await procs.stopAll();
  await s3.stop();
  await pg.close();
}

const ratio = (a: Measure | undefined, b: Measure | undefined) => (a && b ? `${fmt(a.facesPerS / b.facesPerS)}×` : '—');
console.log('\nratios (faces/s)');
console.log(`  IndexFaces: Postgres 1 API / embedded ${ratio(results.pgIndex1, results.embIndex)}`);
console.log(`  IndexFaces: 2 API / 1 API ${ratio(results.pgIndex2, results.pgIndex1)}`);
console.log(`  pipeline: Postgres 1 worker / embedded ${ratio(results.pgPipe1, results.embPipe)}`);
console.log(`  pipeline: 2 workers / 1 worker ${ratio(results.pgPipe2, results.pgPipe1)}`);
console.log(
  `load average at end: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
