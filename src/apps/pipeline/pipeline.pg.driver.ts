// PipelineStore on Postgres. As on SQLite, every state change that produces events appends them to the outbox in the
// same transaction (appendEventsPg). Step completions and run endings lock their run row (FOR UPDATE), so that two
// workers finishing the last two steps of a stage at once cannot both see the other's step as unfinished.
import type { Pool } from 'pg';
import { withPgTransaction } from '../../db/pg.database.ts';
import { migratePg, pgIdent } from '../../db/pg.migrate.ts';
import type { NewEvent } from '../../events/event.types.ts';
import { appendEventsPg, migrateOutboxPg } from '../../events/outbox.pg.ts';
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

// Times are milliseconds since the epoch (BIGINT), as on SQLite, so durations are plain differences.
const MIGRATIONS = [
  `CREATE TABLE \${schema}.pipeline_defs (name TEXT PRIMARY KEY, definition JSONB NOT NULL, updated_at BIGINT NOT NULL);
   CREATE TABLE \${schema}.pipeline_runs (
     id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, state TEXT NOT NULL, input JSONB NOT NULL,
     idempotency_key TEXT UNIQUE, error JSONB, result JSONB,
     created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, finished_at BIGINT,
     seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE);
   CREATE INDEX pipeline_runs_recent ON \${schema}.pipeline_runs (pipeline, seq);
   CREATE INDEX pipeline_runs_running ON \${schema}.pipeline_runs (state) WHERE state = 'running';
   CREATE TABLE \${schema}.pipeline_steps (
     run_id TEXT NOT NULL REFERENCES \${schema}.pipeline_runs (id) ON DELETE CASCADE, name TEXT NOT NULL,
     ord INTEGER NOT NULL, stage INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     output JSONB, error TEXT, started_at BIGINT, finished_at BIGINT, duration_ms INTEGER,
     PRIMARY KEY (run_id, name));
   CREATE TABLE \${schema}.pipeline_records (
     run_id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, collection_id TEXT NOT NULL, user_id TEXT,
     face_id TEXT NOT NULL, bucket TEXT NOT NULL, object_key TEXT NOT NULL, thumbnail_key TEXT,
     attributes JSONB NOT NULL, timings JSONB NOT NULL, created_at BIGINT NOT NULL);
   CREATE TABLE \${schema}.watched_files (
     pipeline TEXT NOT NULL, path TEXT NOT NULL, size BIGINT NOT NULL, run_id TEXT, seen_at BIGINT NOT NULL,
     PRIMARY KEY (pipeline, path));`,
];

interface RunRow {
  id: string;
  pipeline: string;
  state: Run['state'];
  input: RunInput;
  error: Run['error'];
  result: Run['result'];
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}
interface StepRow {
  run_id: string;
  name: string;
  stage: number;
  state: StepRecord['state'];
  attempts: number;
  output: Record<string, unknown> | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

const date = (n: string | null): Date | null => (n === null ? null : new Date(Number(n)));

export async function openPgPipelineStore(pool: Pool, schema = 'public', now?: () => number): Promise<PgPipelineStore> {
  await migrateOutboxPg(pool, schema);
  await migratePg(pool, 'pipeline', MIGRATIONS, schema);
  return new PgPipelineStore(pool, schema, now);
}

export class PgPipelineStore implements PipelineStore {
  private readonly t: string;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly now: () => number = Date.now,
  ) {
    this.t = pgIdent(schema);
  }

  async savePipeline(def: PipelineDefinition): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.t}.pipeline_defs (name, definition, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`,
      [def.name, JSON.stringify(def), this.now()],
    );
  }

  async getPipeline(name: string): Promise<PipelineDefinition | undefined> {
    const { rows } = await this.pool.query<{ definition: PipelineDefinition }>(
      `SELECT definition FROM ${this.t}.pipeline_defs WHERE name = $1`,
      [name],
    );
    return rows[0]?.definition;
  }

  async listPipelines(): Promise<PipelineDefinition[]> {
    const { rows } = await this.pool.query<{ definition: PipelineDefinition }>(
      `SELECT definition FROM ${this.t}.pipeline_defs ORDER BY name COLLATE "C"`,
    );
    return rows.map((r) => r.definition);
  }

  async createRun(run: NewRun, events: NewEvent[]): Promise<{ run: Run; created: boolean }> {
    const now = this.now();
    const id = await withPgTransaction(this.pool, async (c) => {
      const ins = await c.query<{ id: string }>(
        `INSERT INTO ${this.t}.pipeline_runs (id, pipeline, state, input, idempotency_key, created_at, updated_at)
         VALUES ($1, $2, 'running', $3, $4, $5, $5) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
        [run.id, run.pipeline, JSON.stringify(run.input), run.idempotencyKey ?? null, now],
      );
      if (ins.rows.length === 0) {
        const { rows } = await c.query<{ id: string }>(
          `SELECT id FROM ${this.t}.pipeline_runs WHERE idempotency_key = $1`,
          [run.idempotencyKey],
        );
        return rows[0]!.id;
      }
      for (const [ord, s] of run.steps.entries()) {
        await c.query(
          `INSERT INTO ${this.t}.pipeline_steps (run_id, name, ord, stage, state) VALUES ($1, $2, $3, $4, 'pending')`,
          [run.id, s.name, ord, s.stage],
        );
      }
      await appendEventsPg(c, this.schema, events, new Date(now));
      return run.id;
    });
    return { run: (await this.getRun(id))!, created: id === run.id };
  }

  async getRun(id: string): Promise<Run | undefined> {
    const { rows } = await this.pool.query<RunRow>(`SELECT * FROM ${this.t}.pipeline_runs WHERE id = $1`, [id]);
    return (await this.withSteps(rows))[0];
  }

  async listRuns(f: RunFilter = {}): Promise<Run[]> {
    const { rows } = await this.pool.query<RunRow>(
      `SELECT * FROM ${this.t}.pipeline_runs WHERE ($1::text IS NULL OR pipeline = $1) AND ($2::text IS NULL OR state = $2)
         AND ($3::text IS NULL OR seq < (SELECT seq FROM ${this.t}.pipeline_runs WHERE id = $3))
         AND ($5::text[] IS NULL OR pipeline = ANY($5::text[]))
       ORDER BY seq DESC LIMIT $4`,
      [f.pipeline ?? null, f.state ?? null, f.before ?? null, Math.min(f.limit ?? 50, 500), f.pipelines ?? null],
    );
    return this.withSteps(rows);
  }

  async runningRunIds(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM ${this.t}.pipeline_runs WHERE state = 'running' ORDER BY seq`,
    );
    return rows.map((r) => r.id);
  }

  async startStep(runId: string, step: string, attempt: number): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.t}.pipeline_steps SET state = 'running', attempts = $1, started_at = COALESCE(started_at, $2)
       WHERE run_id = $3 AND name = $4 AND state IN ('pending', 'running')`,
      [attempt, this.now(), runId, step],
    );
  }

  async completeStep(
    runId: string,
    step: string,
    output: Record<string, unknown>,
    durationMs: number,
    events: NewEvent[],
  ): Promise<{ stageDone: boolean }> {
    const now = this.now();
    const stageDone = await withPgTransaction(this.pool, async (c) => {
      await c.query(`SELECT 1 FROM ${this.t}.pipeline_runs WHERE id = $1 FOR UPDATE`, [runId]);
      const r = await c.query(
        `UPDATE ${this.t}.pipeline_steps SET state = 'succeeded', output = $1, error = NULL, finished_at = $2,
           duration_ms = $3 WHERE run_id = $4 AND name = $5 AND state != 'succeeded'`,
        [JSON.stringify(output), now, Math.round(durationMs), runId, step],
      );
      // Events only with the first completion: a re-delivered job must not announce the same face twice.
      if (r.rowCount === 1) await appendEventsPg(c, this.schema, events, new Date(now));
      await c.query(`UPDATE ${this.t}.pipeline_runs SET updated_at = $1 WHERE id = $2`, [now, runId]);
      const left = await c.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM ${this.t}.pipeline_steps WHERE run_id = $1 AND state != 'succeeded'
           AND stage = (SELECT stage FROM ${this.t}.pipeline_steps WHERE run_id = $1 AND name = $2)`,
        [runId, step],
      );
      return left.rows[0]!.n === 0;
    });
    return { stageDone };
  }

  async failStep(runId: string, step: string, error: string, final: boolean): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.t}.pipeline_steps SET state = $1, error = $2,
         finished_at = CASE WHEN $3::boolean THEN $4::bigint ELSE finished_at END
       WHERE run_id = $5 AND name = $6 AND state != 'succeeded'`,
      [final ? 'failed' : 'pending', error, final, this.now(), runId, step],
    );
  }

  async finishRun(runId: string, outcome: RunOutcome, events: NewEvent[]): Promise<boolean> {
    const now = this.now();
    return withPgTransaction(this.pool, async (c) => {
      const r = await c.query(
        `UPDATE ${this.t}.pipeline_runs SET state = $1, result = $2, error = $3, updated_at = $4, finished_at = $4
         WHERE id = $5 AND state = 'running'`,
        [
          outcome.state,
          outcome.state === 'succeeded' ? JSON.stringify(outcome.result) : null,
          outcome.state === 'failed' ? JSON.stringify(outcome.error) : null,
          now,
          runId,
        ],
      );
      if (r.rowCount === 0) return false;
      if (outcome.state === 'failed' && outcome.error.step !== undefined) {
        await c.query(
          `UPDATE ${this.t}.pipeline_steps SET state = 'failed', error = $1, finished_at = $2,
             duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE $2 - started_at END
           WHERE run_id = $3 AND name = $4 AND state != 'succeeded'`,
          [outcome.error.message, now, runId, outcome.error.step],
        );
      }
      await appendEventsPg(c, this.schema, events, new Date(now));
      return true;
    });
  }

  async putRecord(rec: PipelineRecord): Promise<void> {
    // First write wins: a persist step re-run after a crash leaves the record as it was.
    await this.pool.query(
      `INSERT INTO ${this.t}.pipeline_records (run_id, pipeline, collection_id, user_id, face_id, bucket, object_key,
         thumbnail_key, attributes, timings, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (run_id) DO NOTHING`,
      [
        rec.runId,
        rec.pipeline,
        rec.collectionId,
        rec.userId,
        rec.faceId,
        rec.bucket,
        rec.objectKey,
        rec.thumbnailKey,
        JSON.stringify(rec.attributes),
        JSON.stringify(rec.timings),
        rec.createdAt.getTime(),
      ],
    );
  }

  async getRecord(runId: string): Promise<PipelineRecord | undefined> {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.t}.pipeline_records WHERE run_id = $1`, [runId]);
    const r = rows[0] as Record<string, unknown> | undefined;
    if (!r) return undefined;
    return {
      runId: String(r.run_id),
      pipeline: String(r.pipeline),
      collectionId: String(r.collection_id),
      userId: r.user_id === null ? null : String(r.user_id),
      faceId: String(r.face_id),
      bucket: String(r.bucket),
      objectKey: String(r.object_key),
      thumbnailKey: r.thumbnail_key === null ? null : String(r.thumbnail_key),
      attributes: r.attributes as Record<string, unknown>,
      timings: r.timings as Record<string, number>,
      createdAt: new Date(Number(r.created_at)),
    };
  }

  async watchedFileSeen(pipeline: string, path: string): Promise<boolean> {
    const { rows } = await this.pool.query(`SELECT 1 FROM ${this.t}.watched_files WHERE pipeline = $1 AND path = $2`, [
      pipeline,
      path,
    ]);
    return rows.length > 0;
  }

  async markWatchedFile(pipeline: string, path: string, size: number, runId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.t}.watched_files (pipeline, path, size, run_id, seen_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [pipeline, path, size, runId, this.now()],
    );
  }

  private async withSteps(rows: RunRow[]): Promise<Run[]> {
    if (rows.length === 0) return [];
    const { rows: steps } = await this.pool.query<StepRow>(
      `SELECT * FROM ${this.t}.pipeline_steps WHERE run_id = ANY($1::text[]) ORDER BY stage, ord`,
      [rows.map((r) => r.id)],
    );
    return rows.map((r) => ({
      id: r.id,
      pipeline: r.pipeline,
      state: r.state,
      input: r.input,
      error: r.error,
      result: r.result,
      createdAt: new Date(Number(r.created_at)),
      updatedAt: new Date(Number(r.updated_at)),
      finishedAt: date(r.finished_at),
      steps: steps
        .filter((s) => s.run_id === r.id)
        .map((s) => ({
          name: s.name,
          stage: s.stage,
          state: s.state,
          attempts: s.attempts,
          output: s.output,
          error: s.error,
          startedAt: date(s.started_at),
          finishedAt: date(s.finished_at),
          durationMs: s.duration_ms,
        })),
    }));
  }
}
