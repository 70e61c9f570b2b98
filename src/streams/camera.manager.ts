// The cameras of one Facegate process: those of the config file (read-only) and those created through /v1/cameras
// (kept in the CameraStore), each run by its own CameraRuntime. Visits are recorded (best frame with its box in the
// object store, a row in the store) and then handed to every registered VisitSink, in order per camera.
import { FacegateError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
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
import type { AnalysedFrame, Visit, VisitLeft, VisitSink } from './visit.types.ts';

export const SNAPSHOT_BUCKET = 'camera-visits';

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
  private readonly sinks = new Set<VisitSink>();
  /** Per camera, the chain of sink calls (a visit's `left` never overtakes the visit). */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly log: Logger;

  /** The visit log (subject access, erasure, retention: camera.privacy.ts). */
  get store(): CameraManagerDeps['store'] {
    return this.deps.store;
  }

  constructor(private readonly deps: CameraManagerDeps) {
    this.log = deps.log.child({ module: 'cameras' });
  }

  async start(): Promise<void> {
    for (const spec of this.deps.configCameras) this.specs.set(spec.id, { spec, origin: 'config' });
    for (const c of await this.deps.store.list()) {
      if (this.specs.has(c.spec.id))
        this.log.warn({ cameraId: c.spec.id }, 'stored camera shadowed by the config file');
      else this.specs.set(c.spec.id, { spec: c.spec, origin: 'api' });
    }
    for (const { spec } of this.specs.values()) this.run(spec);
  }

  addSink(sink: VisitSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  list(): CameraView[] {
    return [...this.specs.keys()].sort().map((id) => this.get(id));
  }

  get(id: string): CameraView {
    const entry = this.specs.get(id);
    if (!entry) throw new FacegateError('NOT_FOUND', `Camera ${id} does not exist`);
    return { ...entry, status: this.runtimes.get(id)?.status() ?? stoppedStatus() };
  }

  has(id: string): boolean {
    return this.specs.has(id);
  }

  async create(input: CameraInput): Promise<CameraView> {
    const spec = parse(input);
    if (this.specs.has(spec.id)) throw new FacegateError('ALREADY_EXISTS', `Camera ${spec.id} already exists`);
    if (!(await this.deps.store.create(spec, this.deps.now())))
      throw new FacegateError('ALREADY_EXISTS', `Camera ${spec.id} already exists`);
    this.specs.set(spec.id, { spec, origin: 'api' });
    this.run(spec);
    return this.get(spec.id);
  }

  async update(id: string, input: Omit<CameraInput, 'id'>): Promise<CameraView> {
    const entry = this.specs.get(id);
    if (!entry) throw new FacegateError('NOT_FOUND', `Camera ${id} does not exist`);
    if (entry.origin === 'config') throw new FacegateError('CONFLICT', `Camera ${id} is defined in the config file`);
    const spec = parse({ ...input, id });
    await this.deps.store.update(spec, this.deps.now());
    await this.halt(id);
    this.specs.set(id, { spec, origin: 'api' });
    this.run(spec);
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const entry = this.specs.get(id);
    if (!entry) throw new FacegateError('NOT_FOUND', `Camera ${id} does not exist`);
    if (entry.origin === 'config') throw new FacegateError('CONFLICT', `Camera ${id} is defined in the config file`);
    await this.halt(id);
    await this.deps.store.delete(id);
    this.specs.delete(id);
  }

  /** A browser-pushed frame; CONFLICT when the camera's source is not `push` or it is not running. */
  push(id: string, jpeg: Buffer): void {
    const entry = this.specs.get(id);
    if (!entry) throw new FacegateError('NOT_FOUND', `Camera ${id} does not exist`);
    const src = this.pushSources.get(id);
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
    await this.chains.get(id);
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
    await Promise.all([...this.runtimes.keys()].map((id) => this.halt(id)));
  }

  private run(spec: CameraSpec): void {
    if (!spec.enabled) return;
    const log = this.log.child({ cameraId: spec.id });
    if (usesFfmpeg(spec) && !this.deps.ffmpeg.ok) log.error({ err: this.deps.ffmpeg.error }, 'camera needs ffmpeg');
    const source = createSource(spec, { ffmpegPath: this.deps.ffmpegPath, stallMs: this.deps.stallMs ?? 15_000 });
    const events = {
      frame: (f: AnalysedFrame) => this.frame(f),
      visit: (v: Visit) => this.enqueue(spec.id, () => this.visit(v)),
      left: (e: VisitLeft) => this.enqueue(spec.id, () => this.left(e)),
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
    await this.chains.get(id);
  }

  private enqueue(cameraId: string, task: () => Promise<void>): void {
    const next = (this.chains.get(cameraId) ?? Promise.resolve()).then(task).catch((e: unknown) => {
      this.log.error({ cameraId, err: e }, 'visit delivery failed');
    });
    this.chains.set(cameraId, next);
  }

  private frame(f: AnalysedFrame): void {
    for (const s of this.sinks) {
      try {
        s.frame?.(f);
      } catch (e) {
        this.log.error({ cameraId: f.cameraId, err: e }, 'frame sink failed');
      }
    }
  }

  /**
   * Records the visit (best frame with its box in the object store, a row in the store) while the sinks get it: the
   * door's latency does not wait for the snapshot's write. Both finish before the track's `left` is delivered.
   */
  private async visit(v: Visit): Promise<void> {
    const record = this.record(v).catch((e: unknown) =>
      this.log.error({ visitId: v.id, err: e }, 'visit not recorded'),
    );
    const deliver = [...this.sinks].map((s) =>
      s.visit(v).catch((e: unknown) => this.log.error({ visitId: v.id, err: e }, 'visit sink failed')),
    );
    this.log.info({ cameraId: v.cameraId, visitId: v.id, kind: v.verdict.kind, frames: v.framesSeen }, 'visit');
    await Promise.all([record, ...deliver]);
  }

  private async record(v: Visit): Promise<void> {
    const best = v.snapshots[0]!;
    const label = v.verdict.kind === 'known' ? (v.verdict.externalImageId ?? v.verdict.userId ?? 'known') : 'unknown';
    const jpeg = await this.deps.annotator.annotate(Buffer.from(best.jpeg), [
      { box: best.box, label, tone: v.verdict.kind },
    ]);
    const key = `${v.cameraId}/${v.decidedAt.toISOString().slice(0, 10)}/${v.id}.jpg`;
    await this.deps.objects.put(SNAPSHOT_BUCKET, key, jpeg);
    const known = v.verdict.kind === 'known' ? v.verdict : undefined;
    await this.deps.store.addVisit({
      id: v.id,
      cameraId: v.cameraId,
      doorId: v.doorId,
      collectionId: v.collectionId,
      trackId: v.trackId,
      kind: v.verdict.kind,
      faceId: known?.faceId ?? null,
      userId: known?.userId ?? null,
      externalImageId: known?.externalImageId ?? null,
      similarity: known ? known.similarity : v.verdict.kind === 'unknown' ? v.verdict.bestSimilarity : null,
      firstSeenAt: v.firstSeenAt,
      decidedAt: v.decidedAt,
      leftAt: null,
      framesSeen: v.framesSeen,
      snapshot: { bucket: SNAPSHOT_BUCKET, key, box: best.box },
    });
  }

  private async left(e: VisitLeft): Promise<void> {
    await Promise.all([
      this.deps.store
        .markLeft(e.visitId, e.leftAt)
        .catch((err: unknown) => this.log.error({ visitId: e.visitId, err }, 'left not recorded')),
      ...[...this.sinks].map((s) =>
        s.left(e).catch((err: unknown) => this.log.error({ visitId: e.visitId, err }, 'left sink failed')),
      ),
    ]);
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

const stoppedStatus = (): CameraStatus => ({
  state: 'stopped',
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
