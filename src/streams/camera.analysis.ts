// One camera's per-frame analysis: faces → tracks → per-track decisions → visits and `left` events. Called by the
// runtime with one frame at a time (never concurrently), so its state needs no locks.
import type { Logger } from '../logger.ts';
import type { AnalysedFrame, Visit, VisitLeft } from './visit.types.ts';
import type { CameraSpec } from './camera.types.ts';
import type { FrameAnalyser } from './frame.analyser.ts';
import type { Annotation } from './frame.annotator.ts';
import type { SourceFrame } from './sources/frame-source.port.ts';
import { FaceTracker } from './tracking/face.tracker.ts';
import { TrackDecision, type Match } from './tracking/track.decision.ts';
import { VisitCooldown } from './tracking/visit.cooldown.ts';

/** Per-frame matches kept for AnalysedFrame (stream processors filter them by their own threshold). */
const FRAME_MATCHES = 5;

export interface AnalysisEvents {
  frame(frame: AnalysedFrame): void;
  /** A decided visit (after the cool-down check). */
  visit(visit: Visit): void;
  left(event: VisitLeft): void;
}

interface TrackInfo {
  decision: TrackDecision;
  /** The visit emitted for the track, if any (a suppressed or undecided track has none). */
  visitId?: string;
  label: string;
  tone: Annotation['tone'];
}

export class CameraAnalysis {
  private readonly tracker: FaceTracker;
  private readonly cooldown: VisitCooldown;
  private readonly tracks = new Map<string, TrackInfo>();
  private frameNumber = 0;
  /** The last analysed frame and its annotations, for the live view. */
  latest: { jpeg: Buffer; annotations: Annotation[]; at: Date } | undefined;
  visits = 0;

  constructor(
    private readonly spec: CameraSpec,
    private readonly analyser: FrameAnalyser,
    private readonly events: AnalysisEvents,
    private readonly ids: () => string,
    private readonly log: Logger,
  ) {
    const sim = (a: Float32Array, b: Float32Array) => analyser.similarity(a, b);
    this.tracker = new FaceTracker(sim, ids);
    this.cooldown = new VisitCooldown(spec.cooldownSeconds * 1000, sim, spec.threshold);
  }

  get activeTracks(): number {
    return this.tracker.active;
  }

  async analyse(frame: SourceFrame, receivedAt: Date): Promise<void> {
    const found = await this.analyser.faces(frame.jpeg);
    const nowMs = frame.producedAt.getTime();
    const { trackIds, ended } = this.tracker.update(found.faces, nowMs);
    const out: AnalysedFrame = {
      cameraId: this.spec.id,
      frameNumber: this.frameNumber++,
      producedAt: frame.producedAt,
      receivedAt,
      offsetSeconds: frame.offsetSeconds,
      width: found.width,
      height: found.height,
      faces: [],
    };
    for (const [i, face] of found.faces.entries()) {
      const trackId = trackIds[i]!;
      const info = this.trackInfo(trackId, frame.producedAt);
      const combined = info.decision.add({ ...face, jpeg: frame.jpeg, at: frame.producedAt });
      const matches = await this.analyser.search(this.spec.collectionId, face.descriptor, FRAME_MATCHES, 0);
      out.faces.push({ trackId, box: face.box, confidence: face.confidence, descriptor: face.descriptor, matches });
      if (info.decision.searching) {
        // One frame: the combined descriptor is the frame's own, already searched.
        const best =
          info.decision.frames === 1
            ? matches[0]
            : (await this.analyser.search(this.spec.collectionId, combined, 1, 0))[0];
        const verdict = info.decision.searched(best);
        if (verdict.kind !== 'wait') this.decided(info, frame.producedAt);
      }
    }
    this.latest = {
      jpeg: frame.jpeg,
      at: frame.producedAt,
      annotations: found.faces.map((f, i) => {
        const t = this.tracks.get(trackIds[i]!)!;
        return { box: f.box, label: t.label, tone: t.tone };
      }),
    };
    if (out.faces.length) this.events.frame(out);
    this.end(ended, frame.producedAt);
  }

  /** Ends tracks not seen for the tracker's gap (no frame came), or every track (the source stopped). */
  expire(now: Date, all = false): void {
    this.end(this.tracker.expire(now.getTime(), all), now);
  }

  private trackInfo(trackId: string, at: Date): TrackInfo {
    let info = this.tracks.get(trackId);
    if (!info) {
      const decision = new TrackDecision(trackId, at, {
        threshold: this.spec.threshold,
        maxAttempts: this.spec.maxAttempts,
        minUnknownFrames: 2,
        keepSnapshots: 3,
      });
      info = { decision, label: '…', tone: 'pending' };
      this.tracks.set(trackId, info);
    }
    return info;
  }

  private end(ended: string[], at: Date): void {
    for (const trackId of ended) {
      const info = this.tracks.get(trackId);
      this.tracks.delete(trackId);
      if (!info) continue;
      if (info.decision.ended().kind !== 'wait') this.decided(info, at);
      if (info.visitId) {
        const { id: cameraId, doorId } = this.spec;
        this.events.left({ visitId: info.visitId, cameraId, doorId, trackId, leftAt: at });
      }
    }
  }

  /** A verdict was taken for the track: apply the cool-down, then emit the visit. */
  private decided(info: TrackInfo, at: Date): void {
    const d = info.decision;
    const verdict = d.decided!;
    const combined = d.combined();
    const known = verdict.kind === 'known' ? verdict.match : undefined;
    info.label = known ? (known.externalImageId ?? known.userId ?? 'known') : 'unknown';
    info.tone = known ? 'known' : 'unknown';
    const admitted = known
      ? this.cooldown.admitKnown(known.userId ?? known.faceId, at.getTime())
      : this.cooldown.admitStranger(combined, at.getTime());
    if (!admitted) {
      this.log.debug({ trackId: d.trackId, kind: verdict.kind }, 'visit suppressed by the cool-down');
      return;
    }
    info.visitId = this.ids();
    this.visits++;
    this.events.visit({
      id: info.visitId,
      cameraId: this.spec.id,
      doorId: this.spec.doorId,
      collectionId: this.spec.collectionId,
      trackId: d.trackId,
      verdict: known ? knownVerdict(known) : { kind: 'unknown', bestSimilarity: d.bestSimilarity },
      firstSeenAt: d.firstSeenAt,
      decidedAt: at,
      framesSeen: d.frames,
      snapshots: d.best.map((s) => ({ jpeg: s.jpeg, box: s.box, quality: Math.round(s.weight * 1e6) / 1e6 })),
      descriptor: combined,
    });
  }
}

const knownVerdict = (m: Match) => ({
  kind: 'known' as const,
  faceId: m.faceId,
  userId: m.userId,
  externalImageId: m.externalImageId,
  similarity: m.similarity,
});
