// The pipeline's use cases, as the REST routes, the directory watcher and the CLI call them: define pipelines,
// start runs from uploads, bucket writes and S3 notifications, and read runs back.
import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { FacegateError } from '../../errors.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import { SERVICE_BUCKETS } from '../../storage/service.buckets.ts';
import type { Logger } from '../../logger.ts';
import { createdObjects } from './s3-event.schema.ts';
import {
  pipelineDefinitionSchema,
  type PipelineDefinition,
  type PipelineStore,
  type Run,
  type RunFilter,
  type RunInput,
} from './pipeline.types.ts';
import type { WorkflowEngine } from './workflow.engine.ts';

export interface PipelineServiceDeps {
  store: PipelineStore;
  engine: WorkflowEngine;
  objects: ObjectStore;
  logger: Logger;
  /** Governance: false for descriptor-only collections, which a pipeline (uploads, thumbnails) cannot feed. */
  keepsImages?: (collectionId: string) => boolean;
  /** pipelineWatchRoot: definitions made through the API may watch directories below it only (none if unset). */
  watchRoot?: string;
}

/** File extension from the image's magic bytes; the object key keeps it so that people recognise the file. */
export function imageExtension(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return '.jpg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return '.png';
  if (Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP') return '.webp';
  return '';
}

/** Written by their own services only (people photos, door and camera snapshots); no pipeline may bind them. */
const INTERNAL_BUCKETS = SERVICE_BUCKETS;

/** Thumbnails are written beside originals: a bucket trigger must not start a run for its own output. */
const isThumbnail = (key: string): boolean => key.endsWith('.thumb.jpg');

/** A directory the API may point a watcher at: its real path lies inside the real path of `root`. */
function assertWatchable(dir: string, root: string | undefined): void {
  if (!root) {
    throw new FacegateError(
      'ACCESS_DENIED',
      'watchDir can be set in the config file only (pipelineWatchRoot is unset)',
    );
  }
  const real = (p: string) => {
    try {
      return realpathSync(resolve(p));
    } catch {
      return resolve(p); // not there yet: judged by its resolved path
    }
  };
  const rel = relative(real(root), real(dir));
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new FacegateError('ACCESS_DENIED', `watchDir must lie inside ${root} (pipelineWatchRoot)`);
  }
}

export class PipelineService {
  private readonly log: Logger;

  constructor(private readonly deps: PipelineServiceDeps) {
    this.log = deps.logger.child({ module: 'pipeline' });
  }

  /** `fromConfig`: the definition comes from the operator's config file, whose watchDir is trusted as written. */
  async define(input: unknown, origin: { fromConfig?: boolean } = {}): Promise<PipelineDefinition> {
    const parsed = pipelineDefinitionSchema.safeParse(input);
    if (!parsed.success) {
      const msg = parsed.error.issues.map((i) => `${i.path.join('.') || 'pipeline'}: ${i.message}`).join('; ');
      throw new FacegateError('INVALID_PARAMETER', msg);
    }
    if (this.deps.keepsImages && !this.deps.keepsImages(parsed.data.collectionId)) {
      throw new FacegateError(
        'PHOTOS_NOT_KEPT',
        `Pipeline ${parsed.data.name} stores uploads and thumbnails; collection ${parsed.data.collectionId} keeps descriptors only`,
      );
    }
    if (INTERNAL_BUCKETS.has(parsed.data.bucket)) {
      throw new FacegateError('ACCESS_DENIED', `Bucket ${parsed.data.bucket} is internal; a pipeline cannot use it`);
    }
    const { watchDir } = parsed.data;
    if (watchDir && !origin.fromConfig) {
      const current = await this.deps.store.getPipeline(parsed.data.name);
      if (current?.watchDir !== watchDir) assertWatchable(watchDir, this.deps.watchRoot);
    }
    await this.deps.store.savePipeline(parsed.data);
    return parsed.data;
  }

  async get(name: string): Promise<PipelineDefinition> {
    const def = await this.deps.store.getPipeline(name);
    if (!def) throw new FacegateError('NOT_FOUND', `Pipeline ${name} does not exist`);
    return def;
  }

  list(): Promise<PipelineDefinition[]> {
    return this.deps.store.listPipelines();
  }

  /** Stores the photo in the pipeline's bucket and starts a run on it. */
  async upload(name: string, bytes: Uint8Array, opts: { userId?: string; key?: string } = {}): Promise<Run> {
    const def = await this.get(name);
    if (bytes.byteLength === 0) throw new FacegateError('INVALID_PARAMETER', 'The upload is empty');
    const key = opts.key ?? `${def.name}/${randomUUID()}${imageExtension(bytes)}`;
    await this.deps.objects.put(def.bucket, key, bytes);
    return this.start(def, { bucket: def.bucket, key, userId: opts.userId, source: 'upload' });
  }

  /**
   * An object was written to a bucket (a PUT through the object API, or an S3 notification): one run per pipeline
   * bound to that bucket. `version` makes a re-sent notification start nothing new.
   */
  async objectCreated(
    bucket: string,
    key: string,
    opts: { version?: string; source: 'bucket' | 's3-event'; pipeline?: string; userId?: string },
  ): Promise<Run[]> {
    if (isThumbnail(key)) return [];
    const defs = opts.pipeline ? [await this.get(opts.pipeline)] : await this.list();
    const runs: Run[] = [];
    for (const def of defs.filter((d) => d.bucket === bucket)) {
      const idem =
        opts.version === undefined ? undefined : `${opts.source}:${def.name}:${bucket}:${key}:${opts.version}`;
      runs.push(await this.start(def, { bucket, key, userId: opts.userId, source: opts.source }, idem));
    }
    if (runs.length === 0) this.log.info({ bucket, key }, 'object created in a bucket no pipeline watches');
    return runs;
  }

  /** A PUT into a bucket: stores the object, then starts the runs of the pipelines bound to that bucket. */
  async putObject(
    bucket: string,
    key: string,
    bytes: Uint8Array,
    userId?: string,
  ): Promise<{ size: number; runs: Run[] }> {
    await this.assertWritable(bucket, key);
    const info = await this.deps.objects.put(bucket, key, bytes);
    const runs = await this.objectCreated(bucket, key, { source: 'bucket', userId, version: randomUUID() });
    return { size: info.size, runs };
  }

  /**
   * The bucket API may write only into buckets a pipeline is bound to (the people photos and every other internal
   * bucket are written by their own services), and never over metadata another module keeps beside the images.
   */
  private async assertWritable(bucket: string, key: string): Promise<void> {
    if (INTERNAL_BUCKETS.has(bucket)) throw new FacegateError('ACCESS_DENIED', `Bucket ${bucket} is internal`);
    const bound = (await this.deps.store.listPipelines()).some((d) => d.bucket === bucket);
    if (!bound) throw new FacegateError('ACCESS_DENIED', `Bucket ${bucket} is not a pipeline bucket`);
    if (isThumbnail(key) || key.endsWith('.faces.json')) {
      throw new FacegateError('ACCESS_DENIED', `Object ${key} is kept by the server (thumbnail or face index)`);
    }
  }

  /** An S3/MinIO event notification body: one run per created object whose bucket a pipeline is bound to. */
  async s3Event(body: unknown, pipeline?: string): Promise<Run[]> {
    let refs;
    try {
      refs = createdObjects(body);
    } catch (e) {
      throw new FacegateError(
        'INVALID_PARAMETER',
        'Not an S3 event notification (Records[].s3.bucket.name, object.key)',
        {
          cause: e,
        },
      );
    }
    const runs: Run[] = [];
    for (const r of refs) {
      runs.push(...(await this.objectCreated(r.bucket, r.key, { version: r.version, source: 's3-event', pipeline })));
    }
    return runs;
  }

  /** A watched directory's file: stored under a key derived from its path, started once (keyed by the path). */
  async ingestFile(name: string, relPath: string, bytes: Uint8Array): Promise<Run> {
    const def = await this.get(name);
    const key = `watch/${relPath.split(/[\\/]/).join('/')}`;
    await this.deps.objects.put(def.bucket, key, bytes);
    return this.start(def, { bucket: def.bucket, key, source: 'watch' }, `watch:${def.name}:${relPath}`);
  }

  async run(id: string): Promise<Run> {
    const run = await this.deps.store.getRun(id);
    if (!run) throw new FacegateError('NOT_FOUND', `Run ${id} does not exist`);
    return run;
  }

  /** A new run on the same photo (the console's "retry" of a failed run); the old run stays as it was. */
  async retry(runId: string): Promise<Run> {
    const old = await this.run(runId);
    if (old.state === 'running') throw new FacegateError('CONFLICT', `Run ${runId} is still running`);
    return this.start(await this.get(old.pipeline), old.input);
  }

  runs(filter: RunFilter = {}): Promise<Run[]> {
    return this.deps.store.listRuns(filter);
  }

  record(runId: string) {
    return this.deps.store.getRecord(runId);
  }

  private start(def: PipelineDefinition, input: RunInput, idempotencyKey?: string): Promise<Run> {
    return this.deps.engine.startRun(def, input, idempotencyKey);
  }
}
