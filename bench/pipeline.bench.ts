// Pipeline benchmark. Two parts:
//   1. orchestration alone: runs through the durable queue, run store and outbox with instant fake vision, so the
//      figure is the workflow's own cost per run (SQLite, synchronous=FULL);
//   2. real: LFW photos of distinct people (one per identity) uploaded to a pipeline on the real engine and
//      collections: end-to-end latency per run, throughput, step medians and outcomes.
// Needs ../shared/datasets (part 2 skips with a message when it is absent).
// Run: nice -n 10 npm run bench:pipeline [-- --runs 40 --fake-runs 300 --concurrency 2 --synchronous FULL|NORMAL]
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logger.ts';
import { openPipeline } from '../src/apps/pipeline/pipeline.factory.ts';
import { EnginePipelineFaces } from '../src/apps/pipeline/faces.adapter.ts';
import { SharpThumbnailer } from '../src/apps/sharp.thumbnailer.ts';
import type { Run } from '../src/apps/pipeline/pipeline.types.ts';
import { openCollections } from '../src/collections/collection.factory.ts';
import { createFaceEngine } from '../src/vision/face.engine.ts';
import { FakeFaces, FakeThumbnailer, MemoryObjectStore, portrait } from '../test/pipeline/fakes.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '40' },
    'fake-runs': { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '2' },
    synchronous: { type: 'string', default: 'FULL' },
  },
});
const DATASETS = resolve(import.meta.dirname, '../../shared/datasets');
const logger = createLogger('silent');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)] ?? NaN;

function report(label: string, runs: Run[], wallMs: number): void {
  const lat = runs.map((r) => r.finishedAt!.getTime() - r.createdAt.getTime());
  const outcomes: Record<string, number> = {};
  for (const r of runs) {
    const k = r.state === 'succeeded' ? 'succeeded' : (r.error?.code ?? 'failed');
    outcomes[k] = (outcomes[k] ?? 0) + 1;
  }
  console.log(
    `\n${label}: ${runs.length} runs in ${(wallMs / 1000).toFixed(1)} s = ${((runs.length / wallMs) * 60_000).toFixed(0)} runs/min`,
  );
  console.log(`  end-to-end latency per run: median ${median(lat).toFixed(0)} ms, p90 ${p90(lat).toFixed(0)} ms`);
  console.log(`  outcomes: ${JSON.stringify(outcomes)}`);
  const steps = new Map<string, number[]>();
  for (const r of runs)
    for (const s of r.steps) if (s.durationMs !== null) steps.set(s.name, [...(steps.get(s.name) ?? []), s.durationMs]);
  console.log(`  step medians (ms): ${[...steps].map(([n, d]) => `${n} ${median(d).toFixed(0)}`).join(', ')}`);
}

async function timeRuns(start: () => Promise<Run[]>, wait: (id: string) => Promise<Run>) {
  const t0 = performance.now();
  const started = await start();
  const runs = await Promise.all(started.map((r) => wait(r.id)));
  return { runs, wallMs: performance.now() - t0 };
}

async function orchestration(n: number, concurrency: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fg-bench-pipe-'));
  const config = loadConfig({
    FACEGATE_DATA_DIR: dir,
    FACEGATE_JOBS_POLL_MS: '20',
    FACEGATE_JOBS_CONCURRENCY: concurrency,
    FACEGATE_DB_SYNCHRONOUS: args.synchronous,
  });
  const faces = new FakeFaces();
  for (let b = 0; b < 256; b++) faces.scenes.set(b, [portrait()]);
  const p = await openPipeline({
    config,
    logger,
    faces,
    objects: new MemoryObjectStore(),
    thumbnails: new FakeThumbnailer(),
  });
  const { runs, wallMs } = await timeRuns(
    () =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          p.service.upload('default', new Uint8Array([i % 256]), { userId: `u${i}` }),
        ),
      ),
    (id) => p.engine.waitForRun(id),
  );
  report(`orchestration only (fake vision, SQLite queue, synchronous=${args.synchronous})`, runs, wallMs);
  await p.close();
  rmSync(dir, { recursive: true, force: true });
}

async function real(n: number, concurrency: string): Promise<void> {
  const lfw = join(DATASETS, 'lfw/images');
  if (!existsSync(lfw)) {
    console.log(`\nreal pipeline: skipped, ${lfw} is absent (needs ../shared/datasets)`);
    return;
  }
  const people = readdirSync(lfw).sort().slice(0, n);
  const photos = people.map((name) => readFileSync(join(lfw, name, readdirSync(join(lfw, name)).sort()[0]!)));
  const dir = mkdtempSync(join(tmpdir(), 'fg-bench-pipe-'));
  const config = loadConfig({
    FACEGATE_DATA_DIR: dir,
    FACEGATE_JOBS_POLL_MS: '20',
    FACEGATE_JOBS_CONCURRENCY: concurrency,
  });
  const engine = await createFaceEngine(config, logger);
  await engine.ready();
  const collections = await openCollections({ config, engine, logger });
  const faces = new EnginePipelineFaces({ engine: async () => engine, collections: async () => collections.service });
  const p = await openPipeline({
    config,
    logger,
    faces,
    objects: collections.objects,
    thumbnails: new SharpThumbnailer(),
  });
  const { runs, wallMs } = await timeRuns(
    () =>
      Promise.all(photos.map((bytes, i) => p.service.upload('default', new Uint8Array(bytes), { userId: `lfw-${i}` }))),
    (id) => p.engine.waitForRun(id),
  );
  report(`real engine, ${n} LFW identities (250×250), concurrency ${concurrency}`, runs, wallMs);
  const reasons = runs.filter((r) => r.error).map((r) => `${r.error!.code}: ${r.error!.reasons.join('; ')}`);
  if (reasons.length) console.log(`  failures: ${[...new Set(reasons)].slice(0, 8).join(' | ')}`);
  await p.close();
  await collections.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}

await orchestration(Number(args['fake-runs']), args.concurrency);
await real(Number(args.runs), args.concurrency);
