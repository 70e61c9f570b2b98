// Throughput under load: a real `facegate serve` (bench/load.server.ts) driven over HTTP by 1, 4, 16, 64 concurrent
// clients for a fixed time each. Every client has its own key and one request in flight at a time; a throttled client
// waits the Retry-After the server sent (as the SDK's retry strategy does) before its next request. Per level: served
// requests/s and the ratio to one client, p50/p95/p99 of served requests, how many were throttled and how fast the
// refusals came back, the server's CPU use (cores) and resident set. Then a fairness run: one key with 32 connections
// beside one client with one.
// Photo: the proctoring tutorial's identity.jpg (../shared/datasets) cropped to 640×480 JPEG q90, one face.
// Run: node --import tsx bench/load.bench.ts [--op search|detect|rest] [--duration 20] [--levels 1,4,16,64]
//      [--no-fairness] [--datasets DIR]; FACEGATE_* variables pass through to the server (e.g. FACEGATE_VISION_WORKERS=0).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CreateCollectionCommand,
  DetectFacesCommand,
  IndexFacesCommand,
  RekognitionClient,
  SearchFacesByImageCommand,
} from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { startServer, type BenchServer, type SigningKey } from './load.server.ts';

const { values: args } = parseArgs({
  options: {
    op: { type: 'string', default: 'search' },
    duration: { type: 'string', default: '20' },
    levels: { type: 'string', default: '1,4,16,64' },
    fairness: { type: 'boolean', default: true },
    'no-fairness': { type: 'boolean', default: false },
    datasets: { type: 'string' },
  },
});
const datasets = resolve(args.datasets ?? fileURLToPath(new URL('../../shared/datasets', import.meta.url)));
const PHOTO = join(datasets, 'aws_rekognition_code_samples/virtual-proctoring/media/identity.jpg');
if (!existsSync(PHOTO)) {
  console.log(`SKIPPED: ${PHOTO} not found (the shared data sets live in ../shared/datasets; or pass --datasets)`);
  process.exit(0);
}
const op = args.op as 'search' | 'detect' | 'rest';
if (!['search', 'detect', 'rest'].includes(op)) throw new Error(`--op must be search, detect or rest, not ${op}`);
const durationMs = Number(args.duration) * 1000;
const levels = args.levels.split(',').map(Number);
const photo = await sharp(readFileSync(PHOTO))
  .resize(640, 480, { fit: 'cover', position: 'top' })
  .jpeg({ quality: 90 })
  .toBuffer();

interface Outcome {
  kind: 'served' | 'throttled' | 'failed';
  ms: number;
  /** Seconds the server asked the client to wait (throttled only). */
  retryAfter?: number;
  detail?: string;
}
type Call = () => Promise<Outcome>;

const headerOf = (e: unknown, name: string): string | undefined =>
  (e as { $response?: { headers?: Record<string, string> } }).$response?.headers?.[name];

function rekognitionCall(server: BenchServer, key: SigningKey): Call {
  const client = new RekognitionClient({ endpoint: server.url, region: 'us-east-1', credentials: key, maxAttempts: 1 });
  const command = () =>
    op === 'detect'
      ? new DetectFacesCommand({ Image: { Bytes: photo } })
      : new SearchFacesByImageCommand({ CollectionId: 'bench', Image: { Bytes: photo }, MaxFaces: 5 });
  return async () => {
    const t = performance.now();
    try {
      // One command class per op; the union is not callable through `send` without the cast.
      await client.send(command() as SearchFacesByImageCommand);
      return { kind: 'served', ms: performance.now() - t };
    } catch (e) {
      const ms = performance.now() - t;
      if ((e as Error).name === 'ThrottlingException')
        return { kind: 'throttled', ms, retryAfter: Number(headerOf(e, 'retry-after') ?? 1) };
      return { kind: 'failed', ms, detail: `${(e as Error).name}: ${(e as Error).message}` };
    }
  };
}

function restCall(server: BenchServer, apiKey: string): Call {
  return async () => {
    const t = performance.now();
    const r = await fetch(`${server.url}/v1/search`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'image/jpeg' },
      body: new Uint8Array(photo),
    });
    const body = await r.text();
    const ms = performance.now() - t;
    if (r.ok) return { kind: 'served', ms };
    if (r.status === 429) return { kind: 'throttled', ms, retryAfter: Number(r.headers.get('retry-after') ?? 1) };
    return { kind: 'failed', ms, detail: `${r.status} ${body.slice(0, 200)}` };
  };
}

async function restKey(server: BenchServer, name: string): Promise<string> {
  const r = await fetch(`${server.url}/v1/keys`, {
    method: 'POST',
    headers: { 'x-api-key': server.adminKey, 'content-type': 'application/json' },
    body: JSON.stringify({ name, role: 'operator', dailyQuota: 0 }),
  });
  if (r.status !== 201) throw new Error(`POST /v1/keys: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { key: string }).key;
}

async function prepare(server: BenchServer): Promise<void> {
  if (op === 'rest') {
    const r = await fetch(`${server.url}/v1/index/bench`, {
      method: 'PUT',
      headers: { 'x-api-key': server.adminKey, 'content-type': 'image/jpeg' },
      body: new Uint8Array(photo),
    });
    if (!r.ok) throw new Error(`PUT /v1/index/bench: ${r.status} ${await r.text()}`);
    return;
  }
  const c = new RekognitionClient({ endpoint: server.url, region: 'us-east-1', credentials: server.keys[0]! });
  await c.send(new CreateCollectionCommand({ CollectionId: 'bench' }));
  await c.send(new IndexFacesCommand({ CollectionId: 'bench', Image: { Bytes: photo }, ExternalImageId: 'bench' }));
  c.destroy();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each caller runs its own loop for `ms`; outcomes of requests that completed in the window. */
async function drive(callers: Call[], ms: number): Promise<Outcome[]> {
  const end = performance.now() + ms;
  const out: Outcome[] = [];
  await Promise.all(
    callers.map(async (call) => {
      while (performance.now() < end) {
        const o = await call();
        if (performance.now() <= end) out.push(o);
        if (o.kind === 'throttled') await sleep(Math.min(end - performance.now(), (o.retryAfter ?? 1) * 1000));
        if (o.kind === 'failed') await sleep(100);
      }
    }),
  );
  return out;
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * p) - 1)]!;
}
const ms = (x: number) => (Number.isNaN(x) ? '–' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

interface LevelResult {
  clients: number;
  served: Outcome[];
  throttled: Outcome[];
  failed: Outcome[];
  cores: number;
  rss: number;
}

async function level(server: BenchServer, callers: Call[]): Promise<LevelResult> {
  const cpu0 = server.cpuSeconds();
  const t0 = performance.now();
  const out = await drive(callers, durationMs);
  const cores = (server.cpuSeconds() - cpu0) / ((performance.now() - t0) / 1000);
  return {
    clients: callers.length,
    served: out.filter((o) => o.kind === 'served'),
    throttled: out.filter((o) => o.kind === 'throttled'),
    failed: out.filter((o) => o.kind === 'failed'),
    cores,
    rss: server.memory().rss,
  };
}

function row(r: LevelResult, base: number): string {
  const rate = r.served.length / (durationMs / 1000);
  const lat = r.served.map((o) => o.ms);
  const thr = r.throttled.map((o) => o.ms);
  return [
    r.clients,
    rate.toFixed(1),
    `${(rate / base).toFixed(2)}×`,
    ms(pct(lat, 0.5)),
    ms(pct(lat, 0.95)),
    ms(pct(lat, 0.99)),
    r.throttled.length ? `${r.throttled.length} (p50 ${ms(pct(thr, 0.5))}, p99 ${ms(pct(thr, 0.99))})` : '0',
    r.failed.length,
    r.cores.toFixed(2),
    mb(r.rss),
  ].join(' | ');
}

async function main(): Promise<void> {
  const maxClients = Math.max(...levels, 33);
  const passthrough = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('FACEGATE_')));
  const server = await startServer(maxClients, passthrough);
  try {
    await prepare(server);
    const callerFor = async (i: number): Promise<Call> =>
      op === 'rest' ? restCall(server, await restKey(server, `client-${i}`)) : rekognitionCall(server, server.keys[i]!);
    const callers: Call[] = [];
    for (let i = 0; i < maxClients; i++) callers.push(await callerFor(i));
    await drive(callers.slice(0, 2), 2000); // warm-up: sessions, JIT, connection pools
    const settings = Object.entries(passthrough)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(`op ${op}, ${durationMs / 1000} s per level, server settings: ${settings || 'defaults'}`);
    console.log(`RSS after warm-up ${mb(server.memory().rss)}`);
    console.log(
      '| clients | served/s | vs 1 client | p50 | p95 | p99 | throttled (answer time) | failed | server cores | RSS |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    let base = 0;
    for (const n of levels) {
      const r = await level(server, callers.slice(0, n));
      if (!base) base = r.served.length / (durationMs / 1000) || 1;
      console.log(`| ${row(r, base)} |`);
      for (const f of r.failed.slice(0, 3)) console.log(`  failed: ${f.detail}`);
      await sleep(2000);
    }
    if (args.fairness && !args['no-fairness']) await fairness(server, callers);
    console.log(`peak RSS ${mb(server.memory().peak)}`);
  } finally {
    await server.close();
  }
}

/** One key with 32 connections beside a client with one: the polite client should keep being served. */
async function fairness(server: BenchServer, callers: Call[]): Promise<void> {
  const flood: Call[] = Array.from({ length: 32 }, () => callers[0]!);
  const polite = callers[32]!;
  const [floodOut, politeOut] = await Promise.all([drive(flood, durationMs), drive([polite], durationMs)]);
  const describe = (name: string, out: Outcome[]) => {
    const served = out.filter((o) => o.kind === 'served');
    const thr = out.filter((o) => o.kind === 'throttled');
    const lat = served.map((o) => o.ms);
    return (
      `${name}: served ${(served.length / (durationMs / 1000)).toFixed(1)}/s, p50 ${ms(pct(lat, 0.5))}, ` +
      `p99 ${ms(pct(lat, 0.99))}, throttled ${thr.length}`
    );
  };
  console.log(`fairness: ${describe('one key × 32 connections', floodOut)}; ${describe('one client × 1', politeOut)}`);
}

await main();
