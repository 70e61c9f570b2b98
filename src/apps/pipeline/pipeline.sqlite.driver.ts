// PipelineStore on SQLite (the jobs database). Every state change that produces events appends them to the outbox
// in the same transaction (appendEvents), so an event exists if and only if its change was committed.
import type { NewEvent } from '../../events/event.types.ts';
import { appendEvents, migrateOutbox } from '../../events/outbox.sqlite.ts';
import { migrateJobsDatabase, type SqliteDatabase } from '../../jobs/sqlite.database.ts';
import { getRecord, markWatchedFile, putRecord, watchedFileSeen } from './pipeline.records.sqlite.ts';
import type {
  NewRun,
  PipelineDefinition,
  PipelineRecord,
  PipelineStore,
  Run,
  RunFilter,
  RunInput,
  RunOutcome,
  StepRecord,
} from './pipeline.types.ts';

const MIGRATIONS = [
  `CREATE TABLE pipeline_defs (name TEXT PRIMARY KEY, definition TEXT NOT NULL, updated_at INTEGER NOT NULL);
   CREATE TABLE pipeline_runs (
     id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, state TEXT NOT NULL, input TEXT NOT NULL,
     idempotency_key TEXT UNIQUE, error TEXT, result TEXT,
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at INTEGER, seq INTEGER NOT NULL);
   CREATE INDEX pipeline_runs_recent ON pipeline_runs (pipeline, seq);
   CREATE INDEX pipeline_runs_running ON pipeline_runs (state) WHERE state = 'running';
   CREATE TABLE pipeline_steps (
     run_id TEXT NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE, name TEXT NOT NULL,
     stage INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, output TEXT, error TEXT,
     started_at INTEGER, finished_at INTEGER, duration_ms INTEGER, PRIMARY KEY (run_id, name));
   CREATE TABLE pipeline_records (
     run_id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, collection_id TEXT NOT NULL, user_id TEXT,
     face_id TEXT NOT NULL, bucket TEXT NOT NULL, object_key TEXT NOT NULL, thumbnail_key TEXT,
     attributes TEXT NOT NULL, timings TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE watched_files (
     pipeline TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, run_id TEXT, seen_at INTEGER NOT NULL,
     PRIMARY KEY (pipeline, path));`,
];

interface RunRow {
  id: string;
  pipeline: string;
  state: Run['state'];
  input: string;
  error: string | null;
  result: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  seq: number;
}
interface StepRow {
  run_id: string;
  name: string;
  stage: number;
  state: StepRecord['state'];
  attempts: number;
  output: string | null;
  error: string | null;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
}

const json = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));
const date = (n: number | null): Date | null => (n === null ? null : new Date(n));

const toStep = (r: StepRow): StepRecord => ({
  name: r.name,
  stage: r.stage,
  state: r.state,
  attempts: r.attempts,
  output: json(r.output),
  error: r.error,
  startedAt: date(r.started_at),
  finishedAt: date(r.finished_at),
  durationMs: r.duration_ms,
});

export class SqlitePipelineStore implements PipelineStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {
    migrateOutbox(db);
    migrateJobsDatabase(db, 'pipeline', MIGRATIONS);
  }

  savePipeline(def: PipelineDefinition): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO pipeline_defs (name, definition, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`,
      )
      .run(def.name, JSON.stringify(def), this.now());
    return Promise.resolve();
  }

  getPipeline(name: string): Promise<PipelineDefinition | undefined> {
    const r = this.db.prepare('SELECT definition FROM pipeline_defs WHERE name = ?').get(name) as
      { definition: string } | undefined;
    return Promise.resolve(r ? (JSON.parse(r.definition) as PipelineDefinition) : undefined);
  }

  listPipelines(): Promise<PipelineDefinition[]> {
    const rows = this.db.prepare('SELECT definition FROM pipeline_defs ORDER BY name').all() as {
      definition: string;
    }[];
    return Promise.resolve(rows.map((r) => JSON.parse(r.definition) as PipelineDefinition));
  }

  createRun(run: NewRun, events: NewEvent[]): Promise<{ run: Run; created: boolean }> {
    const now = this.now();
    const created = this.db
      .transaction(() => {
        if (run.idempotencyKey !== undefined) {
          const existing = this.db
            .prepare('SELECT id FROM pipeline_runs WHERE idempotency_key = ?')
            .get(run.idempotencyKey) as { id: string } | undefined;
          if (existing) return existing.id;
        }
        const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM pipeline_runs').get() as { s: number })
          .s;
        this.db
          .prepare(
            `INSERT INTO pipeline_runs (id, pipeline, state, input, idempotency_key, created_at, updated_at, seq)
           VALUES (?, ?, 'running', ?, ?, ?, ?, ?)`,
          )
          .run(run.id, run.pipeline, JSON.stringify(run.input), run.idempotencyKey ?? null, now, now, seq);
        const step = this.db.prepare(
          `INSERT INTO pipeline_steps (run_id, name, stage, state) VALUES (?, ?, ?, 'pending')`,
        );
        for (const s of run.steps) step.run(run.id, s.name, s.stage);
        appendEvents(this.db, events, new Date(now));
        return run.id;
      })
      .immediate();
    return Promise.resolve({ run: this.read(created)!, created: created === run.id });
  }

  getRun(id: string): Promise<Run | undefined> {
    return Promise.resolve(this.read(id));
  }

  listRuns(f: RunFilter = {}): Promise<Run[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM pipeline_runs WHERE (@p IS NULL OR pipeline = @p) AND (@s IS NULL OR state = @s)
           AND (@ps IS NULL OR pipeline IN (SELECT value FROM json_each(@ps)))
           AND (@b IS NULL OR seq < (SELECT seq FROM pipeline_runs WHERE id = @b))
         ORDER BY seq DESC LIMIT @limit`,
      )
      .all({
        p: f.pipeline ?? null,
        ps: f.pipelines ? JSON.stringify(f.pipelines) : null,
        s: f.state ?? null,
        b: f.before ?? null,
        limit: Math.min(f.limit ?? 50, 500),
      }) as RunRow[];
    return Promise.resolve(rows.map((r) => this.toRun(r)));
  }

  runningRunIds(): Promise<string[]> {
    const rows = this.db.prepare(`SELECT id FROM pipeline_runs WHERE state = 'running' ORDER BY seq`).all() as {
      id: string;
    }[];
    return Promise.resolve(rows.map((r) => r.id));
  }

  startStep(runId: string, step: string, attempt: number): Promise<void> {
    this.db
      .prepare(
        `UPDATE pipeline_steps SET state = 'running', attempts = ?, started_at = COALESCE(started_at, ?)
         WHERE run_id = ? AND name = ? AND state IN ('pending', 'running')`,
      )
      .run(attempt, this.now(), runId, step);
    return Promise.resolve();
  }

  completeStep(
    runId: string,
    step: string,
    output: Record<string, unknown>,
    durationMs: number,
    events: NewEvent[],
  ): Promise<{ stageDone: boolean }> {
    const now = this.now();
    const stageDone = this.db
      .transaction(() => {
        const r = this.db
          .prepare(
            `UPDATE pipeline_steps SET state = 'succeeded', output = ?, error = NULL, finished_at = ?, duration_ms = ?
           WHERE run_id = ? AND name = ? AND state != 'succeeded'`,
          )
          .run(JSON.stringify(output), now, durationMs, runId, step);
        // Events only with the first completion: a re-delivered job must not announce the same face twice.
        if (r.changes === 1) appendEvents(this.db, events, new Date(now));
        this.db.prepare('UPDATE pipeline_runs SET updated_at = ? WHERE id = ?').run(now, runId);
        const left = this.db
          .prepare(
            `SELECT COUNT(*) AS n FROM pipeline_steps WHERE run_id = ? AND state != 'succeeded'
             AND stage = (SELECT stage FROM pipeline_steps WHERE run_id = ? AND name = ?)`,
          )
          .get(runId, runId, step) as { n: number };
        return left.n === 0;
      })
      .immediate();
    return Promise.resolve({ stageDone });
  }

  failStep(runId: string, step: string, error: string, final: boolean): Promise<void> {
    const now = this.now();
    this.db
      .prepare(
        `UPDATE pipeline_steps SET state = ?, error = ?, finished_at = CASE WHEN ? THEN ? ELSE finished_at END
         WHERE run_id = ? AND name = ? AND state != 'succeeded'`,
      )
      .run(final ? 'failed' : 'pending', error, final ? 1 : 0, now, runId, step);
    return Promise.resolve();
  }

  finishRun(runId: string, outcome: RunOutcome, events: NewEvent[]): Promise<boolean> {
    const now = this.now();
    const done = this.db
      .transaction(() => {
        const r = this.db
          .prepare(
            `UPDATE pipeline_runs SET state = ?, result = ?, error = ?, updated_at = ?, finished_at = ?
           WHERE id = ? AND state = 'running'`,
          )
          .run(
            outcome.state,
            outcome.state === 'succeeded' ? JSON.stringify(outcome.result) : null,
            outcome.state === 'failed' ? JSON.stringify(outcome.error) : null,
            now,
            now,
            runId,
          );
        if (r.changes === 0) return false;
        if (outcome.state === 'failed' && outcome.error.step !== undefined) {
          this.db
            .prepare(
              `UPDATE pipeline_steps SET state = 'failed', error = ?, finished_at = ?,
               duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE ? - started_at END
             WHERE run_id = ? AND name = ? AND state != 'succeeded'`,
            )
            .run(outcome.error.message, now, now, runId, outcome.error.step);
        }
        appendEvents(this.db, events, new Date(now));
        return true;
      })
      .immediate();
    return Promise.resolve(done);
  }

  putRecord(rec: PipelineRecord): Promise<void> {
    putRecord(this.db, rec);
    return Promise.resolve();
  }

  getRecord(runId: string): Promise<PipelineRecord | undefined> {
    return Promise.resolve(getRecord(this.db, runId));
  }

  watchedFileSeen(pipeline: string, path: string): Promise<boolean> {
    return Promise.resolve(watchedFileSeen(this.db, pipeline, path));
  }

  markWatchedFile(pipeline: string, path: string, size: number, runId: string): Promise<void> {
    markWatchedFile(this.db, pipeline, path, size, runId, this.now());
    return Promise.resolve();
  }

  private read(id: string): Run | undefined {
    const r = this.db.prepare('SELECT * FROM pipeline_runs WHERE id = ?').get(id) as RunRow | undefined;
    return r && this.toRun(r);
  }

  private toRun(r: RunRow): Run {
    const steps = this.db
      .prepare('SELECT * FROM pipeline_steps WHERE run_id = ? ORDER BY stage, rowid')
      .all(r.id) as StepRow[];
    return {
      id: r.id,
      pipeline: r.pipeline,
      state: r.state,
      input: JSON.parse(r.input) as RunInput,
      error: json(r.error),
      result: json(r.result),
      createdAt: new Date(r.created_at),
      updatedAt: new Date(r.updated_at),
      finishedAt: date(r.finished_at),
      steps: steps.map(toStep),
    };
  }
}
