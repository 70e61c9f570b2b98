// The virtual proctor (aws-samples/amazon-rekognition-virtual-proctor): index a candidate's face under a generated
// ExternalImageId with a name record, then judge each webcam frame with five checks, as the tutorial's /process:
// Objects of Interest, Person Detection, Person Recognition, Face Detection, Unsafe Content.
import { FacegateError } from '../../errors.ts';
import { OwnCollection } from '../ensure.collection.ts';
import type { FaceEngine } from '../../vision/vision.types.ts';
import type { VerifyCollections } from '../verify/verify.service.ts';
import type { Candidate, CandidateStore } from './candidates.port.ts';

export type ProctorCollections = Pick<
  VerifyCollections,
  | 'createCollection'
  | 'describeCollection'
  | 'prepareIndexFaces'
  | 'commitFaces'
  | 'deleteFacesWith'
  | 'searchFacesByImage'
>;

export interface ProctorSettings {
  collectionId: string;
  /** Labels and faces below this confidence are ignored (0–100; the tutorial's MinConfidence, 85). */
  minConfidence: number;
  /** Similarity a frame's largest face needs to match the candidate (0–100; 85). */
  faceMatchThreshold: number;
  /** Label names that fail "Objects of Interest". */
  objectsOfInterest: string[];
  /** Moderation labels at or above this confidence fail "Unsafe Content". */
  moderationThreshold: number;
}

export interface ProctorDeps extends ProctorSettings {
  engine: Pick<FaceEngine, 'analyze' | 'labels' | 'moderation'>;
  collections: ProctorCollections;
  candidates: CandidateStore;
  uuid: () => string;
  now: () => Date;
}

/** The tutorial's wire shape, kept as is so its front end works unchanged. */
export interface ProctorCheck {
  TestName: 'Objects of Interest' | 'Person Detection' | 'Person Recognition' | 'Face Detection' | 'Unsafe Content';
  Success: boolean;
  Details: string;
}

const pct = (n: number): string => `${n.toFixed(1)}%`;

export class ProctorService {
  private readonly own: OwnCollection;

  constructor(private readonly deps: ProctorDeps) {
    this.own = new OwnCollection(deps.collections, deps.collectionId);
  }

  get settings(): ProctorSettings {
    const { collectionId, minConfidence, faceMatchThreshold, objectsOfInterest, moderationThreshold } = this.deps;
    return { collectionId, minConfidence, faceMatchThreshold, objectsOfInterest, moderationThreshold };
  }

  /** The face and the name record in one transaction: a crash never leaves a face without its candidate. */
  async indexCandidate(image: Uint8Array, fullName: string): Promise<Candidate> {
    const externalImageId = this.deps.uuid();
    const prepared = await this.own.use(() =>
      this.deps.collections.prepareIndexFaces({
        collectionId: this.deps.collectionId,
        image: { bytes: image },
        externalImageId,
        maxFaces: 1,
        qualityFilter: 'AUTO',
      }),
    );
    const rec = prepared.result.faceRecords[0];
    if (!rec) throw new FacegateError('NO_FACE', 'The candidate photo has no usable face');
    const c: Candidate = { externalImageId, fullName, faceId: rec.face.faceId, createdAt: this.deps.now() };
    await this.own.use(() =>
      this.deps.collections.commitFaces(this.deps.collectionId, [prepared], [this.deps.candidates.stageInsert(c)]),
    );
    return c;
  }

  listCandidates(limit = 100): Promise<Candidate[]> {
    return this.deps.candidates.list(limit);
  }

  async deleteCandidate(externalImageId: string): Promise<void> {
    const c = await this.deps.candidates.get(externalImageId);
    if (!c) throw new FacegateError('NOT_FOUND', `No candidate ${externalImageId}`);
    // Face and name in one transaction that erases what it deletes.
    await this.own.use(() =>
      this.deps.collections.deleteFacesWith(
        this.deps.collectionId,
        [c.faceId],
        [this.deps.candidates.stageDelete(externalImageId)],
        true,
      ),
    );
  }

  /** The five checks for one frame. An unreadable image fails the request; a check that cannot run fails itself. */
  async process(image: Uint8Array): Promise<ProctorCheck[]> {
    // Decoding and face detection first: a bad image is refused before any other model runs.
    const analysis = await this.deps.engine.analyze(image, { maxFaces: 100 });
    const [labels, recognition, unsafe] = await Promise.all([
      this.settle(() => this.deps.engine.labels(image, { minConfidence: this.deps.minConfidence })),
      this.recognize(image, analysis.faces.length),
      this.settle(() => this.deps.engine.moderation(image, { minConfidence: this.deps.moderationThreshold })),
    ]);
    const faces = analysis.faces.filter((f) => f.confidence >= this.deps.minConfidence).length;
    return [
      this.objectsCheck(labels),
      this.personCheck(labels),
      recognition,
      this.faceCheck(faces),
      this.unsafeCheck(unsafe),
    ];
  }

  private objectsCheck(labels: Settled<Awaited<ReturnType<FaceEngine['labels']>>>): ProctorCheck {
    const TestName = 'Objects of Interest';
    if (!labels.ok) return { TestName, Success: false, Details: `Check unavailable: ${labels.error}` };
    const wanted = new Set(this.deps.objectsOfInterest.map((n) => n.toLowerCase()));
    const found = labels.value.filter((l) => wanted.has(l.name.toLowerCase()));
    return {
      TestName,
      Success: found.length === 0,
      Details: found.length ? found.map((l) => `${l.name} (${pct(l.confidence)})`).join(', ') : 'None',
    };
  }

  private personCheck(labels: Settled<Awaited<ReturnType<FaceEngine['labels']>>>): ProctorCheck {
    const TestName = 'Person Detection';
    if (!labels.ok) return { TestName, Success: false, Details: `Check unavailable: ${labels.error}` };
    const person = labels.value.find((l) => l.name === 'Person');
    const n = person?.instances.filter((i) => i.confidence >= this.deps.minConfidence).length ?? 0;
    return { TestName, Success: n === 1, Details: `${n} ${n === 1 ? 'person' : 'people'} detected` };
  }

  private faceCheck(n: number): ProctorCheck {
    return { TestName: 'Face Detection', Success: n === 1, Details: `${n} ${n === 1 ? 'face' : 'faces'} detected` };
  }

  private unsafeCheck(labels: Settled<Awaited<ReturnType<FaceEngine['moderation']>>>): ProctorCheck {
    const TestName = 'Unsafe Content';
    if (!labels.ok) return { TestName, Success: false, Details: `Check unavailable: ${labels.error}` };
    const bad = labels.value.filter((l) => l.confidence >= this.deps.moderationThreshold);
    return {
      TestName,
      Success: bad.length === 0,
      Details: bad.length ? bad.map((l) => `${l.name} (${pct(l.confidence)})`).join(', ') : 'None',
    };
  }

  private async recognize(image: Uint8Array, faces: number): Promise<ProctorCheck> {
    const TestName = 'Person Recognition';
    if (faces === 0) return { TestName, Success: false, Details: 'No face to recognize' };
    try {
      const r = await this.own.use(() =>
        this.deps.collections.searchFacesByImage({
          collectionId: this.deps.collectionId,
          image: { bytes: image },
          maxFaces: 1,
          faceMatchThreshold: this.deps.faceMatchThreshold,
        }),
      );
      const m = r.faceMatches[0];
      const c = m?.face.externalImageId ? await this.deps.candidates.get(m.face.externalImageId) : undefined;
      if (!m || !c) return { TestName, Success: false, Details: 'Unknown person' };
      return { TestName, Success: true, Details: `${c.fullName} (${pct(m.similarity)})` };
    } catch (e) {
      if (e instanceof FacegateError && e.status < 500) return { TestName, Success: false, Details: e.message };
      throw e;
    }
  }

  private async settle<T>(fn: () => Promise<T>): Promise<Settled<T>> {
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      // A model that is not prepared fails its check, not the whole frame; other failures are real errors.
      if (e instanceof FacegateError && (e.code === 'MODEL_NOT_AVAILABLE' || e.code === 'NOT_READY')) {
        return { ok: false, error: e.message };
      }
      throw e;
    }
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: string };
