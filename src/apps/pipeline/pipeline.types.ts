// The upload pipeline's definitions, runs and steps. A pipeline is the Step Functions image-processing workshop's
// state machine as data: stages run in order, the steps of one stage in parallel. Similarities, confidences and
// quality values are percentages in [0, 100].
import { z } from 'zod';
import type { NewEvent } from '../../events/event.types.ts';

export const STEP_NAMES = ['checkFaces', 'checkDuplicate', 'indexFace', 'thumbnail', 'persist'] as const;
export const stepNameSchema = z.enum(STEP_NAMES);
export type StepName = z.infer<typeof stepNameSchema>;

const id = z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/, 'letters, digits, _ . - only');
const pct = z.coerce.number().min(0).max(100);

/** The workshop's state machine: checks → duplicate check → (index ∥ thumbnail) → persist; notify is the end event. */
export const DEFAULT_STAGES: StepName[][] = [
  ['checkFaces'],
  ['checkDuplicate'],
  ['indexFace', 'thumbnail'],
  ['persist'],
];

export const pipelineDefinitionSchema = z.object({
  name: id,
  collectionId: id.default('pipeline'),
  /** Object-store bucket uploads land in (and the bucket whose PUTs start runs). */
  bucket: id.default('uploads'),
  /** A directory whose new files each start one run. */
  watchDir: z.string().min(1).optional(),
  stages: z.array(z.array(stepNameSchema).min(1)).min(1).default(DEFAULT_STAGES),
  checks: z
    .object({
      /** The photo must show exactly this many faces. */
      faceCount: z.coerce.number().int().min(1).max(100).default(1),
      allowSunglasses: z.boolean().default(false),
      /** Sunglasses count when the attribute says so with at least this confidence. */
      sunglassesConfidence: pct.default(50),
      minConfidence: pct.default(90),
      minBrightness: pct.default(15),
      minSharpness: pct.default(5),
      /** |yaw| and |pitch| above this many degrees: not a usable portrait. */
      maxPoseDegrees: z.coerce.number().min(0).max(180).default(45),
    })
    .prefault({}),
  duplicate: z
    .object({ threshold: pct.default(70), maxFaces: z.coerce.number().int().min(1).max(4096).default(3) })
    .prefault({}),
  thumbnail: z.object({ size: z.coerce.number().int().min(16).max(2048).default(300) }).prefault({}),
  retry: z
    .object({
      maxAttempts: z.coerce.number().int().min(1).max(100).default(3),
      backoffMs: z.coerce.number().int().min(1).max(3_600_000).default(1000),
    })
    .prefault({}),
});
export type PipelineDefinition = z.infer<typeof pipelineDefinitionSchema>;

export const runInputSchema = z.object({
  bucket: z.string().min(1),
  key: z.string().min(1),
  userId: z
    .string()
    .regex(/^[a-zA-Z0-9_.\-:]{1,128}$/)
    .optional(),
  source: z.enum(['upload', 'bucket', 'watch', 's3-event']),
});
export type RunInput = z.infer<typeof runInputSchema>;

export type RunState = 'running' | 'succeeded' | 'failed';
export type StepState = 'pending' | 'running' | 'succeeded' | 'failed';

export interface RunError {
  /** PhotoDoesNotMeetRequirement, FaceAlreadyExists, StepFailed … */
  code: string;
  message: string;
  reasons: string[];
  step?: string;
  details?: Record<string, unknown>;
}

export interface StepRecord {
  name: string;
  stage: number;
  state: StepState;
  attempts: number;
  output: Record<string, unknown> | null;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
}

export interface Run {
  id: string;
  pipeline: string;
  state: RunState;
  input: RunInput;
  error: RunError | null;
  result: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  steps: StepRecord[];
}

/** The persisted metadata (the workshop's DynamoDB item). */
export interface PipelineRecord {
  runId: string;
  pipeline: string;
  collectionId: string;
  userId: string | null;
  faceId: string;
  bucket: string;
  objectKey: string;
  thumbnailKey: string | null;
  attributes: Record<string, unknown>;
  /** Step name → duration in ms. */
  timings: Record<string, number>;
  createdAt: Date;
}

export type RunOutcome = { state: 'succeeded'; result: Record<string, unknown> } | { state: 'failed'; error: RunError };

export interface RunFilter {
  pipeline?: string;
  /** Runs of these pipelines only (a collection-scoped caller's); an empty list matches none. */
  pipelines?: readonly string[];
  state?: RunState;
  /** Runs created before this run (pagination, newest first). */
  before?: string;
  limit?: number;
}

/** A run as the workflow engine asks the store to create it. */
export interface NewRun {
  id: string;
  pipeline: string;
  input: RunInput;
  idempotencyKey?: string;
  steps: { name: string; stage: number }[];
}

export interface PipelineStore {
  savePipeline(def: PipelineDefinition): Promise<void>;
  getPipeline(name: string): Promise<PipelineDefinition | undefined>;
  listPipelines(): Promise<PipelineDefinition[]>;

  /** Creates the run with all its steps pending; an existing idempotency key returns that run instead. */
  createRun(run: NewRun, events: NewEvent[]): Promise<{ run: Run; created: boolean }>;
  getRun(id: string): Promise<Run | undefined>;
  listRuns(filter?: RunFilter): Promise<Run[]>;
  /** Runs still running (resumed at start-up). */
  runningRunIds(): Promise<string[]>;

  startStep(runId: string, step: string, attempt: number): Promise<void>;
  /** Records the step's output and its events atomically; tells whether every step of its stage has succeeded. */
  completeStep(
    runId: string,
    step: string,
    output: Record<string, unknown>,
    durationMs: number,
    events: NewEvent[],
  ): Promise<{ stageDone: boolean }>;
  /** A failed attempt (retryable unless `final`). */
  failStep(runId: string, step: string, error: string, final: boolean): Promise<void>;
  /** Ends a running run with its events in one transaction; false when it had already ended. */
  finishRun(runId: string, outcome: RunOutcome, events: NewEvent[]): Promise<boolean>;

  putRecord(record: PipelineRecord): Promise<void>;
  getRecord(runId: string): Promise<PipelineRecord | undefined>;

  /** Whether a watched file already started its run (files are ingested once, even across restarts). */
  watchedFileSeen(pipeline: string, path: string): Promise<boolean>;
  /** Recorded after the run exists; a crash before it only repeats idempotent work (same object key, same run key). */
  markWatchedFile(pipeline: string, path: string, size: number, runId: string): Promise<void>;
}
