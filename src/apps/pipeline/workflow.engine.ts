// The workflow engine: runs a pipeline's stages as durable jobs, one job per step ("pipeline.step" {runId, step}).
// A step's result, its events and the run's end are committed by the store; the successor jobs are enqueued after,
// with dedupe keys (`<runId>:<step>`), so a step re-delivered after a crash re-enqueues nothing twice and a handler
// that already succeeded is not run again. Handlers must still be idempotent: a crash between a handler's side
// effect and completeStep re-runs it (see the indexFace step's ExternalImageId check).
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { NewEvent } from '../../events/event.types.ts';
import type { Job, JobQueue } from '../../jobs/job-queue.port.ts';
import type { Logger } from '../../logger.ts';
import type { PipelineDefinition, PipelineStore, Run, RunError, RunInput, StepName } from './pipeline.types.ts';

export const STEP_JOB = 'pipeline.step';
const stepJobSchema = z.object({ runId: z.string(), step: z.string() });

/** A business outcome that ends the run (no retry): PhotoDoesNotMeetRequirement, FaceAlreadyExists. */
export class StepFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly reasons: string[],
    readonly events: NewEvent[] = [],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

export interface StepContext {
  run: Run;
  definition: PipelineDefinition;
  /** Outputs of the steps that have succeeded so far, by step name. */
  outputs: Partial<Record<StepName, Record<string, unknown>>>;
  attempt: number;
  signal: AbortSignal;
}

export interface StepResult {
  output: Record<string, unknown>;
  events?: NewEvent[];
}

export type StepHandler = (ctx: StepContext) => Promise<StepResult>;

export interface WorkflowEngineDeps {
  store: PipelineStore;
  queue: JobQueue;
  steps: Record<StepName, StepHandler>;
  definition: (name: string) => Promise<PipelineDefinition | undefined>;
  /** The succeeded run's result (and its pipeline.succeeded event data), from the step outputs. */
  summarize: (run: Run, outputs: StepContext['outputs']) => Record<string, unknown>;
  logger: Logger;
  /** Called after events were committed, to deliver them without waiting for the dispatcher's poll. */
  onEvents?: () => void;
  concurrency?: number;
  now?: () => number;
}

const outputsOf = (run: Run): StepContext['outputs'] =>
  Object.fromEntries(run.steps.filter((s) => s.state === 'succeeded').map((s) => [s.name, s.output ?? {}]));

export class WorkflowEngine {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly ended = new EventEmitter().setMaxListeners(0);

  constructor(private readonly deps: WorkflowEngineDeps) {
    this.log = deps.logger.child({ module: 'pipeline' });
    this.now = deps.now ?? Date.now;
  }

  /**
   * Resolves with the run once it has succeeded or failed. Ends seen by this process wake it at once; a run finished
   * by another worker process is seen on the next check (every `pollMs`).
   */
  async waitForRun(id: string, pollMs = 250): Promise<Run> {
    for (;;) {
      const run = await this.deps.store.getRun(id);
      if (!run) throw new Error(`run ${id} does not exist`);
      if (run.state !== 'running') return run;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(t);
          this.ended.off(id, done);
          resolve();
        };
        const t = setTimeout(done, pollMs);
        this.ended.on(id, done);
      });
    }
  }

  /** Registers the step worker on the queue (call before queue.start()). */
  register(): void {
    this.deps.queue.work(STEP_JOB, (job, signal) => this.handle(job, signal), { concurrency: this.deps.concurrency });
  }

  async startRun(def: PipelineDefinition, input: RunInput, idempotencyKey?: string): Promise<Run> {
    const steps = def.stages.flatMap((names, stage) => names.map((name) => ({ name, stage })));
    const id = randomUUID();
    const { run, created } = await this.deps.store.createRun({ id, pipeline: def.name, input, idempotencyKey, steps }, [
      this.event('pipeline.started', def, { id }, { ...input }),
    ]);
    if (created) this.log.info({ runId: run.id, pipeline: def.name, key: input.key }, 'run started');
    await this.enqueueStage(run, def, 0);
    this.deps.onEvents?.();
    return run;
  }

  /**
   * Re-enqueues the current stage of every running run: safe (dedupe keys), and it heals a crash between writes.
   * A step whose job is dead without the run having failed (the worker died during the last attempt, and the queue
   * dead-lettered the job on its lease) ends the run as StepFailed here. Run at start and periodically.
   */
  async resume(): Promise<number> {
    const ids = await this.deps.store.runningRunIds();
    for (const id of ids) {
      const run = await this.deps.store.getRun(id);
      const def = run && (await this.deps.definition(run.pipeline));
      if (!run || !def) continue;
      const stage = run.steps.find((s) => s.state !== 'succeeded')?.stage;
      if (stage === undefined) continue;
      for (const step of def.stages[stage] ?? []) {
        const job = await this.deps.queue.findByKey(STEP_JOB, `${run.id}:${step}`);
        if (job?.state !== 'dead') continue;
        const message = job.lastError ?? 'the step job was dead-lettered';
        const reasons = [`${step} failed after ${job.attempts} attempt(s): ${message}`];
        await this.deps.store.failStep(run.id, step, message, true);
        await this.fail(run, def, { code: 'StepFailed', message, reasons, step }, []);
      }
      const now = await this.deps.store.getRun(id);
      if (now?.state === 'running') await this.enqueueStage(run, def, stage);
    }
    return ids.length;
  }

  private async enqueueStage(run: Run, def: PipelineDefinition, stage: number): Promise<void> {
    for (const name of def.stages[stage] ?? []) {
      await this.deps.queue.enqueue(
        STEP_JOB,
        { runId: run.id, step: name },
        // Later stages first: a run already under way finishes before new runs start (latency over fairness).
        {
          key: `${run.id}:${name}`,
          maxAttempts: def.retry.maxAttempts,
          backoffMs: def.retry.backoffMs,
          priority: stage,
        },
      );
    }
  }

  private async handle(job: Job, signal: AbortSignal): Promise<void> {
    const { runId, step } = stepJobSchema.parse(job.payload);
    const store = this.deps.store;
    const run = await store.getRun(runId);
    if (!run || run.state !== 'running') return; // ended meanwhile (a parallel step failed): nothing to do
    const def = await this.deps.definition(run.pipeline);
    const rec = run.steps.find((s) => s.name === step);
    if (!def || !rec) throw new Error(`run ${runId}: pipeline ${run.pipeline} or step ${step} is unknown`);
    const log = this.log.child({ runId, step, attempt: job.attempt });
    if (rec.state === 'succeeded') return this.advance(runId, def, rec.stage);

    await store.startStep(runId, step, job.attempt);
    const started = this.now();
    try {
      const handler = this.deps.steps[step as StepName];
      const res = await handler({ run, definition: def, outputs: outputsOf(run), attempt: job.attempt, signal });
      const { stageDone } = await store.completeStep(runId, step, res.output, this.now() - started, res.events ?? []);
      log.info({ ms: this.now() - started }, 'step succeeded');
      if (stageDone) await this.advance(runId, def, rec.stage);
      else if (res.events?.length) this.deps.onEvents?.();
    } catch (e) {
      if (e instanceof StepFailure) {
        log.info({ code: e.code, reasons: e.reasons }, 'run failed a requirement');
        const error: RunError = { code: e.code, message: e.message, reasons: e.reasons, step, details: e.details };
        return this.fail(run, def, error, e.events);
      }
      const message = e instanceof Error ? e.message : String(e);
      const final = job.attempt >= job.maxAttempts;
      await store.failStep(runId, step, message, final);
      if (final) {
        log.warn({ err: e }, 'step failed on its last attempt');
        const reasons = [`${step} failed after ${job.attempt} attempt(s): ${message}`];
        await this.fail(run, def, { code: 'StepFailed', message, reasons, step }, []);
      }
      throw e; // the queue retries it, or dead-letters it after the last attempt
    }
  }

  private async advance(runId: string, def: PipelineDefinition, stage: number): Promise<void> {
    const run = await this.deps.store.getRun(runId);
    if (!run || run.state !== 'running') return;
    if (stage + 1 < def.stages.length) return this.enqueueStage(run, def, stage + 1);
    const result = this.deps.summarize(run, outputsOf(run));
    const ended = await this.deps.store.finishRun(runId, { state: 'succeeded', result }, [
      this.event('pipeline.succeeded', def, run, result),
    ]);
    if (ended) this.log.info({ runId, pipeline: def.name }, 'run succeeded');
    this.ended.emit(runId);
    this.deps.onEvents?.();
  }

  private async fail(run: Run, def: PipelineDefinition, error: RunError, events: NewEvent[]): Promise<void> {
    const data = { ...run.input, error: error.code, message: error.message, reasons: error.reasons, step: error.step };
    await this.deps.store.finishRun(run.id, { state: 'failed', error }, [
      ...events,
      this.event('pipeline.failed', def, run, { ...data, ...(error.details ?? {}) }),
    ]);
    this.ended.emit(run.id);
    this.deps.onEvents?.();
  }

  private event(
    type: NewEvent['type'],
    def: PipelineDefinition,
    run: { id: string },
    data: Record<string, unknown>,
  ): NewEvent {
    return { type, pipeline: def.name, collectionId: def.collectionId, runId: run.id, data };
  }
}
