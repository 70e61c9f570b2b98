// Where a camera's analysed frames and visits go: every visit is recorded (best frame with its box in the object
// store, a row in the store) while the sinks get it, and a track's `left` follows its visit, in order per camera.
import type { Logger } from '../logger.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import type { CameraStore } from './camera.store.ts';
import type { FrameAnnotator } from './frame.annotator.ts';
import type { AnalysedFrame, Visit, VisitLeft, VisitSink } from './visit.types.ts';

export const SNAPSHOT_BUCKET = 'camera-visits';

export class VisitDelivery {
  readonly sinks = new Set<VisitSink>();
  /** Per camera, the chain of sink calls (a visit's `left` never overtakes the visit). */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: { store: CameraStore; objects: ObjectStore; annotator: FrameAnnotator },
    private readonly log: Logger,
  ) {}

  /** Resolves once every visit and `left` of the camera handed over so far was delivered. */
  async drained(cameraId: string): Promise<void> {
    await this.chains.get(cameraId);
  }

  enqueue(cameraId: string, task: () => Promise<void>): void {
    const next = (this.chains.get(cameraId) ?? Promise.resolve()).then(task).catch((e: unknown) => {
      this.log.error({ cameraId, err: e }, 'visit delivery failed');
    });
    this.chains.set(cameraId, next);
  }

  frame(f: AnalysedFrame): void {
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
  async visit(v: Visit): Promise<void> {
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

  async left(e: VisitLeft): Promise<void> {
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
