// The cameras of one Facegate process: those of the config file (read-only) and those created through /v1/cameras
// (kept in the CameraStore), each run by its own CameraRuntime. Visits are recorded (best frame with its box in the
// object store, a row in the store) and then handed to every registered VisitSink, in order per camera.
// API processes (`runs: false`) keep the definitions and serve CRUD and visits but run no camera; on a shared store,
// `sync()` follows what other processes changed and takes the cameras no process runs (camera.claims.ts).
import { FacegateError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import { soleProcessClaims, type CameraClaims } from './camera.claims.ts';
import type { CameraStore } from './camera.store.ts';
import { CameraRuntime, DEFAULT_RUNTIME, type RuntimeOptions } from './camera.runtime.ts';
import {
  cameraInputSchema,
  type CameraInput,
  type CameraSpec,
  type CameraStatus,
  type VisitRecord,
} from './camera.types.ts';
import type { FrameAnalyser } from './frame.analyser.ts';
import type { FrameAnnotator } from './frame.annotator.ts';
import { createSource, usesFfmpeg } from './source.factory.ts';
import { PushSource } from './sources/push.source.ts';
import { VisitDelivery } from './visit.delivery.ts';
import type { AnalysedFrame, Visit, VisitLeft, VisitSink } from './visit.types.ts';

export { SNAPSHOT_BUCKET } from './visit.delivery.ts';

export interface CameraManagerDeps {
  store: CameraStore;
  configCameras: readonly CameraSpec[];
  analyser: FrameAnalyser;
  objects: ObjectStore;
  annotator: FrameAnnotator;
  ffmpegPath: string;
  /** `ffmpeg -version`, or why ffmpeg cannot run (checked once at start). */
  ffmpeg: { ok: true; version: string } | { ok: false; error: string };
  ids: () => string;
  now: () => Date;
  log: Logger;
  runtime?: RuntimeOptions;
  stallMs?: number;
  /** Run cameras in this process (worker and all roles; default true). False: definitions and visits only. */
  runs?: boolean;
  /** Which process runs each camera (default: this one runs them all). */
  claims?: CameraClaims;
}

export interface CameraView {
  spec: CameraSpec;
  origin: 'config' | 'api';
  status: CameraStatus;
}

export class CameraManager {
  private readonly runtimes = new Map<string, CameraRuntime>();
  private readonly pushSources = new Map<string, PushSource>();
  private readonly specs = new Map<string, { spec: CameraSpec; origin: 'config' | 'api' }>();
  private readonly delivery: VisitDelivery;
  private readonly log: Logger;
  private readonly claims: CameraClaims;
  /** Changes to the definitions and runtimes, one at a time (API calls and sync interleave otherwise). */
  private serial: Promise<unknown> = Promise.resolve();

  /** The visit log (subject access, erasure, retention: camera.privacy.ts). */
  get store(): CameraManagerDeps['store'] {
    return this.deps.store;
  }

  constructor(private readonly deps: CameraManagerDeps) {
    this.log = deps.log.child({ module: 'cameras' });
    this.delivery = new VisitDelivery(deps, this.log);
    this.claims = deps.claims ?? soleProcessClaims();
    // Claims lost with their connection: stop here at once (another process may take the cameras); sync retries.
    this.claims.onLost(() => void this.exclusive(() => this.haltAll()));
  }

  async start(): Promise<void> {
    await this.exclusive(async () => {
      for (const spec of this.deps.configCameras) this.specs.set(spec.id, { spec, origin: 'config' });
      for (const c of await this.deps.store.list()) {
        if (this.specs.has(c.spec.id))
          this.log.warn({ cameraId: c.spec.id }, 'stored camera shadowed by the config file');
        else this.specs.set(c.spec.id, { spec: c.spec, origin: 'api' });
      }
      for (const { spec } of this.specs.values()) await this.run(spec);
    });
  }

  /**
   * Follows the store: cameras created, changed or deleted through other processes, and — where this process runs
   * cameras — takes those no process runs (a camera whose process died, one created through an API process).
   */
  sync(): Promise<void> {
    return this.exclusive(async () => {
      const stored = new Map((await this.deps.store.list()).map((c) => [c.spec.id, c.spec]));
      for (const [id, entry] of [...this.specs]) {
        if (entry.origin !== 'api') continue;
        const now = stored.get(id);
        if (now && canonical(now) === canonical(entry.spec)) continue;
        await this.halt(id);
        if (now) this.specs.set(id, { spec: now, origin: 'api' });
        else this.specs.delete(id);
      }
      for (const [id, spec] of stored) if (!this.specs.has(id)) this.specs.set(id, { spec, origin: 'api' });
      for (const { spec } of this.specs.values()) await this.run(spec);
    });
  }

  /** True when this process runs the camera now (its frames, snapshot and pushed frames are here). */
  runsHere(id: string): boolean {
    return this.runtimes.has(id);
  }

  addSink(sink: VisitSink): () => void {
    this.delivery.sinks.add(sink);
    return () => this.delivery.sinks.delete(sink);
  }

  list(): CameraView[] {
    return [...this.specs.keys()].sort().map((id) => this.get(id));
  }

  get(id: string): CameraView {
    const entry = this.specs.get(id);
    if (!entry) throw new FacegateError('NOT_FOUND', `Camera ${id} does not exist`);
    const status = this.runtimes.get(id)?.status() ?? stoppedStatus(entry.spec.enabled ? 'remote' : 'stopped');
    return { ...entry, status };
  }

  has(id: string): boolean {
    return this.specs.has(id);
  }

  create(input: CameraInput): Promise<CameraView> {
    const spec = parse(input);
    return this.exclusive(async () => {
      if (this.specs.has(spec.id)) throw new FacegateError('ALREADY_EXISTS', `Camera ${spec.id} already exists`);
      if (!(await this.deps.store.create(spec, this.deps.now())))
        throw new FacegateError('ALREADY_EXISTS', `Camera ${spec.id} already exists`);
      this.specs.set(spec.id, { spec, origin: 'api' });
      await this.run(spec);
      return this.get(spec.id);
    });
  }

  update(id: string, input: Omit<CameraInput, 'id'>): Promise<CameraView> {
    return this.exclusive(async () => {
      const entry = this.specs.get(id);
      if (!entry) throw new FacegateError('NOT_FOUND', `Camera ${id} does not exist`);
      if (entry.origin === 'config') throw new FacegateError('CONFLICT', `Camera ${id} is defined in the config file`);
      const spec = parse({ ...input, id });
      await this.deps.store.update(spec, this.deps.now());
      await this.halt(id);
      this.specs.set(id, { spec, origin: 'api' });
      await this.run(spec);
      return this.get(id);
    });
  }

  delete(id: string): Promise<void> {
    return this.exclusive(async () => {
      const entry = this.specs.get(id);
      if (!entry) throw new FacegateError('NOT_FOUND', `Camera ${id} does not exist`);
      if (entry.origin === 'config') throw new FacegateError('CONFLICT', `Camera ${id} is defined in the config file`);
      await this.halt(id);
      await this.deps.store.delete(id);
      this.specs.delete(id);
    });
  }

  /** A browser-pushed frame; CONFLICT when the camera's source is not `push` or it is not running. */
  push(id: string, jpeg: Buffer): void {
    const entry = this.specs.get(id);
    if (!entry) throw new FacegateError('NOT_FOUND', `Camera ${id} does not exist`);
    const src = this.pushSources.get(id);
    if (!src && entry.spec.source.kind === 'push' && !this.runtimes.has(id))
      throw new FacegateError('CONFLICT', `Camera ${id} runs in another process: push its frames there`);
    if (!src) throw new FacegateError('CONFLICT', `Camera ${id} does not take pushed frames`);
    if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new FacegateError('INVALID_IMAGE_FORMAT', 'A frame must be a JPEG');
    if (!src.push(jpeg)) throw new FacegateError('CONFLICT', `Camera ${id} is not running`);
  }

  /** The latest analysed frame with boxes and names (JPEG), or undefined before the first frame. */
  async snapshot(id: string): Promise<Buffer | undefined> {
    this.get(id);
    const latest = this.runtimes.get(id)?.latest;
    return latest && this.deps.annotator.annotate(latest.jpeg, latest.annotations);
  }

  recentVisits(filter: { cameraId?: string; limit: number }): Promise<VisitRecord[]> {
    return this.deps.store.recentVisits(filter);
  }

  /** One visit's record (the REST scope check reads its collection). */
  visitRecord(visitId: string): Promise<VisitRecord | undefined> {
    return this.deps.store.getVisit(visitId);
  }

  async visitSnapshot(visitId: string): Promise<Uint8Array | undefined> {
    const v = await this.deps.store.getVisit(visitId);
    if (!v) return undefined;
    return (await this.deps.objects.get(v.snapshot.bucket, v.snapshot.key))?.body;
  }

  /** Waits until a camera's source ended and its frames were analysed and delivered (files that do not loop). */
  async drained(id: string): Promise<void> {
    await this.runtimes.get(id)?.done();
    await this.delivery.drained(id);
  }

  /** For /readyz: ffmpeg and each camera's state. */
  health() {
    return {
      ffmpeg: this.deps.ffmpeg.ok
        ? { available: true, version: this.deps.ffmpeg.version }
        : { available: false, error: this.deps.ffmpeg.error },
      cameras: Object.fromEntries(this.list().map((c) => [c.spec.id, pick(c.status)])),
    };
  }

  async close(): Promise<void> {
    await this.exclusive(() => this.haltAll());
    await this.claims.close();
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = this.serial.then(task, task);
    this.serial = next.catch(() => undefined);
    return next;
  }

  private async haltAll(): Promise<void> {
    await Promise.all([...this.runtimes.keys()].map((id) => this.halt(id)));
  }

  private async run(spec: CameraSpec): Promise<void> {
    if (!spec.enabled || this.deps.runs === false || this.runtimes.has(spec.id)) return;
    const log = this.log.child({ cameraId: spec.id });
    const mine = await this.claims.claim(spec.id).catch((e: unknown) => {
      log.error({ err: e }, 'camera not claimed (retried at the next sync)');
      return false;
    });
    if (!mine) return;
    if (usesFfmpeg(spec) && !this.deps.ffmpeg.ok) log.error({ err: this.deps.ffmpeg.error }, 'camera needs ffmpeg');
    const source = createSource(spec, { ffmpegPath: this.deps.ffmpegPath, stallMs: this.deps.stallMs ?? 15_000 });
    const events = {
      frame: (f: AnalysedFrame) => this.delivery.frame(f),
      visit: (v: Visit) => this.delivery.enqueue(spec.id, () => this.delivery.visit(v)),
      left: (e: VisitLeft) => this.delivery.enqueue(spec.id, () => this.delivery.left(e)),
    };
    const rt = new CameraRuntime(
      spec,
      source,
      this.deps.analyser,
      events,
      this.deps.ids,
      log,
      this.deps.runtime ?? DEFAULT_RUNTIME,
    );
    if (source instanceof PushSource) this.pushSources.set(spec.id, source);
    this.runtimes.set(spec.id, rt);
    rt.start();
    log.info({ kind: spec.source.kind, fps: spec.fps, collectionId: spec.collectionId }, 'camera started');
  }

  private async halt(id: string): Promise<void> {
    const rt = this.runtimes.get(id);
    if (!rt) return;
    this.runtimes.delete(id);
    this.pushSources.delete(id);
    await rt.stop();
    await this.delivery.drained(id);
    await this.claims.release(id);
  }
}

function parse(input: unknown): CameraSpec {
  const r = cameraInputSchema.safeParse(input);
  if (!r.success)
    throw new FacegateError(
      'INVALID_PARAMETER',
      r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  return r.data;
}

/** Key order does not matter when comparing two definitions of one camera. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );

/** `remote`: enabled but run by another process (a worker), whose status this process does not see. */
const stoppedStatus = (state: 'stopped' | 'remote'): CameraStatus => ({
  state,
  fps: 0,
  framesReceived: 0,
  framesAnalysed: 0,
  framesDropped: 0,
  framesInvalid: 0,
  lastFrameAt: null,
  lastError: null,
  connects: 0,
  activeTracks: 0,
  visits: 0,
});

const pick = (s: CameraStatus) => ({
  state: s.state,
  fps: s.fps,
  framesDropped: s.framesDropped,
  lastFrameAt: s.lastFrameAt,
  lastError: s.lastError,
});
