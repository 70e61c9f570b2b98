// `facegate pipeline`: a worker process (steps and deliveries only, no HTTP) beside `facegate serve`, and a look at
// recent runs from the terminal. Workers share <dataDir>/facegate.db (or the Postgres queue) with the server.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SqlitePipelineStore } from '../apps/pipeline/pipeline.sqlite.driver.ts';
import { openDeploymentDatabase } from '../db/sqlite.database.ts';
import { createContainer } from '../app/container.ts';
import { ConfigError, loadConfig } from '../config/config.ts';
import { createLogger } from '../logger.ts';

function config(dataDir?: string) {
  try {
    return loadConfig(process.env, dataDir ? { dataDir } : {});
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}

async function worker(opts: { dataDir?: string }): Promise<void> {
  const cfg = config(opts.dataDir);
  const logger = createLogger(cfg.logLevel);
  const container = createContainer(cfg, logger);
  // Handlers first: a signal right after the banner must still shut down cleanly.
  const stop = async (): Promise<void> => {
    await container.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const pipeline = await container.get('pipeline');
  console.log(`pipeline worker on ${cfg.dataDir} (${cfg.jobs.driver} queue, ${cfg.jobs.concurrency} steps at once)`);
  // The queue's poll loop keeps the process alive; report progress now and then.
  const timer = setInterval(() => {
    void pipeline.queue.counts().then((c) => logger.info({ jobs: c }, 'pipeline worker'));
  }, 60_000);
  timer.unref();
}

async function runs(opts: { dataDir?: string; limit: string; pipeline?: string }): Promise<void> {
  const cfg = config(opts.dataDir);
  // Read-only: open the run store directly, so this short-lived process never claims a job.
  const database = openDeploymentDatabase(resolve(cfg.dataDir));
  const store = new SqlitePipelineStore(database.db);
  for (const r of await store.listRuns({ limit: Number(opts.limit), pipeline: opts.pipeline })) {
    const why = r.error ? ` ${r.error.code}: ${r.error.reasons.join('; ')}` : '';
    const steps = r.steps.map((s) => `${s.name}:${s.state}${s.attempts > 1 ? `×${s.attempts}` : ''}`).join(' ');
    console.log(`${r.createdAt.toISOString()} ${r.id} ${r.pipeline} ${r.state}${why}\n  ${r.input.key}  ${steps}`);
  }
  database.close();
}

export function register(program: Command): void {
  const cmd = program.command('pipeline').description('Upload pipeline: worker process, recent runs');
  cmd
    .command('worker')
    .description('Run pipeline steps and notification deliveries (no HTTP server)')
    .option('--data-dir <dir>', 'data directory (FACEGATE_DATA_DIR)')
    .action(worker);
  cmd
    .command('runs')
    .description('List recent runs with their steps')
    .option('--data-dir <dir>', 'data directory (FACEGATE_DATA_DIR)')
    .option('--pipeline <name>', 'only this pipeline')
    .option('--limit <n>', 'how many', '20')
    .action(runs);
}
