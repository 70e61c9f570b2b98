// Stream processors on the Rekognition protocol: CreateStreamProcessor … DeleteStreamProcessor over a ProcessorStore,
// with the service's errors (ResourceInUseException for a name in use or a processor in the wrong state,
// ResourceNotFoundException for an unknown processor or collection, InvalidParameterException for an input that
// names no camera or an output that names no configured target). A running processor is a VisitSink on its camera:
// every analysed frame with faces becomes one record, delivered in order by one worker per processor through a
// bounded queue (the oldest record is dropped, and counted, when the target falls behind).
import { FacegateError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { AnalysedFrame, VisitSink } from '../visit.types.ts';
import { faceSearchRecord, type StoredFace } from './kinesis.record.ts';
import type { ProcessorStore, RecordTarget, StreamProcessorRecord } from './processor.types.ts';

const KVS_ARN = /^arn:aws:kinesisvideo:[a-z0-9-]*:\d*:stream\/([a-zA-Z0-9_.-]{1,256})(?:\/\d+)?$/;
const KDS_ARN = /^arn:aws:kinesis:[a-z0-9-]*:\d*:stream\/([a-zA-Z0-9_.-]{1,128})$/;
const MAX_QUEUE = 64;

export interface ProcessorServiceDeps {
  store: ProcessorStore;
  cameras: { has(id: string): boolean; addSink(sink: VisitSink): () => void };
  collections: {
    describeCollection(id: string): Promise<unknown>;
    listFaces(r: { collectionId: string; faceIds: string[] }): Promise<{ faces: StoredFace[] }>;
  };
  /** The delivery target configured for a Kinesis Data Stream name, if any. */
  target(stream: string): RecordTarget | undefined;
  now: () => Date;
  uuid: () => string;
  region: string;
  account: string;
  log: Logger;
}

export type CreateProcessorInput = Pick<
  StreamProcessorRecord,
  'name' | 'inputArn' | 'outputArn' | 'roleArn' | 'collectionId'
> &
  Partial<
    Pick<
      StreamProcessorRecord,
      'faceMatchThreshold' | 'tags' | 'regionsOfInterest' | 'dataSharingOptIn' | 'notificationTopicArn' | 'kmsKeyId'
    >
  >;

interface Running {
  /** The run this attachment serves: a restart through another process is a new session. */
  sessionId: string | null;
  detach: () => void;
  queue: AnalysedFrame[];
  draining: Promise<void> | undefined;
  stopTimer: NodeJS.Timeout | undefined;
  dropped: number;
}

export class ProcessorService {
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: ProcessorServiceDeps) {}

  /** Re-attaches the processors that were RUNNING when the process stopped. */
  async resume(): Promise<void> {
    for (const p of await this.runningInStore()) this.attach(p);
  }

  /**
   * Follows a store shared with other processes: processors started there are attached here (where their camera
   * runs, frames reach them), those stopped or deleted there are detached.
   */
  async sync(): Promise<void> {
    const stored = new Map((await this.runningInStore()).map((p) => [p.name, p]));
    for (const [name, r] of [...this.running]) {
      if (stored.get(name)?.sessionId !== r.sessionId) await this.detach(name);
    }
    for (const p of stored.values()) if (!this.running.has(p.name)) this.attach(p);
  }

  private async runningInStore(): Promise<StreamProcessorRecord[]> {
    const out: StreamProcessorRecord[] = [];
    for (let after: string | undefined, page; (page = await this.deps.store.list(after, 100)).length;) {
      out.push(...page.filter((p) => p.status === 'RUNNING'));
      after = page[page.length - 1]!.name;
    }
    return out;
  }

  async create(input: CreateProcessorInput): Promise<{ arn: string }> {
    const cameraId = KVS_ARN.exec(input.inputArn)?.[1];
    if (!cameraId)
      throw new FacegateError(
        'INVALID_PARAMETER',
        `Input.KinesisVideoStream.Arn ${input.inputArn} is not a Kinesis video stream ARN`,
      );
    if (!this.deps.cameras.has(cameraId))
      throw new FacegateError('INVALID_PARAMETER', `Kinesis video stream ${cameraId} names no Facegate camera`);
    const target = KDS_ARN.exec(input.outputArn)?.[1];
    if (!target)
      throw new FacegateError(
        'INVALID_PARAMETER',
        `Output.KinesisDataStream.Arn ${input.outputArn} is not a Kinesis data stream ARN`,
      );
    if (!this.deps.target(target))
      throw new FacegateError(
        'INVALID_PARAMETER',
        `Kinesis data stream ${target} has no delivery target configured (streams.targets)`,
      );
    await this.deps.collections.describeCollection(input.collectionId).catch((e: unknown) => {
      throw e instanceof FacegateError && e.code === 'NOT_FOUND'
        ? new FacegateError('NOT_FOUND', `The collection id: ${input.collectionId} does not exist`)
        : e;
    });
    const now = this.deps.now();
    const arn = `arn:aws:rekognition:${this.deps.region}:${this.deps.account}:streamprocessor/${input.name}`;
    const created = await this.deps.store.create({
      name: input.name,
      arn,
      status: 'STOPPED',
      statusMessage: null,
      createdAt: now,
      updatedAt: now,
      inputArn: input.inputArn,
      cameraId,
      outputArn: input.outputArn,
      target,
      roleArn: input.roleArn,
      collectionId: input.collectionId,
      faceMatchThreshold: input.faceMatchThreshold ?? 80,
      regionsOfInterest: input.regionsOfInterest ?? null,
      dataSharingOptIn: input.dataSharingOptIn ?? null,
      notificationTopicArn: input.notificationTopicArn ?? null,
      kmsKeyId: input.kmsKeyId ?? null,
      tags: input.tags ?? {},
      sessionId: null,
    });
    if (!created) throw new FacegateError('IN_USE', `Stream processor ${input.name} already exists`);
    return { arn };
  }

  async start(name: string, stopAfterSeconds?: number): Promise<{ sessionId: string }> {
    const p = await this.require(name);
    if (p.status === 'RUNNING' || p.status === 'STARTING')
      throw new FacegateError('IN_USE', `Stream processor ${name} is ${p.status}`);
    if (!this.deps.cameras.has(p.cameraId))
      throw new FacegateError('NOT_FOUND', `Camera ${p.cameraId} of stream processor ${name} no longer exists`);
    const next = {
      ...p,
      status: 'RUNNING' as const,
      statusMessage: null,
      sessionId: this.deps.uuid(),
      updatedAt: this.deps.now(),
    };
    await this.deps.store.put(next);
    this.attach(next);
    if (stopAfterSeconds !== undefined) {
      const r = this.running.get(name)!;
      r.stopTimer = setTimeout(() => void this.stop(name).catch(() => undefined), stopAfterSeconds * 1000);
      r.stopTimer.unref();
    }
    return { sessionId: next.sessionId };
  }

  async stop(name: string): Promise<void> {
    const p = await this.require(name);
    if (p.status !== 'RUNNING' && p.status !== 'STARTING')
      throw new FacegateError('IN_USE', `Stream processor ${name} is ${p.status}`);
    await this.detach(name);
    await this.deps.store.put({ ...p, status: 'STOPPED', updatedAt: this.deps.now() });
  }

  describe(name: string): Promise<StreamProcessorRecord> {
    return this.require(name);
  }

  async list(
    afterName: string | undefined,
    limit: number,
  ): Promise<{ processors: StreamProcessorRecord[]; more: boolean }> {
    const rows = await this.deps.store.list(afterName, limit + 1);
    return { processors: rows.slice(0, limit), more: rows.length > limit };
  }

  async delete(name: string): Promise<void> {
    const p = await this.require(name);
    if (p.status === 'RUNNING' || p.status === 'STARTING')
      throw new FacegateError('IN_USE', `Stream processor ${name} is ${p.status}: stop it first`);
    await this.deps.store.delete(name);
  }

  async update(
    name: string,
    change: {
      regionsOfInterest?: StreamProcessorRecord['regionsOfInterest'];
      dataSharingOptIn?: boolean;
      deleteRegionsOfInterest?: boolean;
    },
  ): Promise<void> {
    const p = await this.require(name);
    if (p.status === 'UPDATING') throw new FacegateError('IN_USE', `Stream processor ${name} is UPDATING`);
    const next = { ...p, updatedAt: this.deps.now() };
    if (change.regionsOfInterest !== undefined) next.regionsOfInterest = change.regionsOfInterest;
    if (change.deleteRegionsOfInterest) next.regionsOfInterest = null;
    if (change.dataSharingOptIn !== undefined) next.dataSharingOptIn = change.dataSharingOptIn;
    await this.deps.store.put(next);
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.keys()].map((n) => this.detach(n)));
  }

  private async require(name: string): Promise<StreamProcessorRecord> {
    const p = await this.deps.store.get(name);
    if (!p) throw new FacegateError('NOT_FOUND', `Stream processor ${name} does not exist`);
    return p;
  }

  private attach(p: StreamProcessorRecord): void {
    const target = this.deps.target(p.target);
    const log = this.deps.log.child({ streamProcessor: p.name, cameraId: p.cameraId });
    if (!target) {
      log.error({ target: p.target }, 'delivery target no longer configured; records are not delivered');
      return;
    }
    const r: Running = {
      sessionId: p.sessionId,
      detach: () => undefined,
      queue: [],
      draining: undefined,
      stopTimer: undefined,
      dropped: 0,
    };
    r.detach = this.deps.cameras.addSink({
      frame: (f) => {
        if (f.cameraId !== p.cameraId || f.faces.length === 0) return;
        if (r.queue.length >= MAX_QUEUE) {
          r.queue.shift();
          r.dropped++;
        }
        r.queue.push(f);
        r.draining ??= this.drain(p, r, target, log).finally(() => (r.draining = undefined));
      },
      visit: async () => undefined,
      left: async () => undefined,
    });
    this.running.set(p.name, r);
    log.info('stream processor running');
  }

  private async drain(p: StreamProcessorRecord, r: Running, target: RecordTarget, log: Logger): Promise<void> {
    for (let f = r.queue.shift(); f; f = r.queue.shift()) {
      try {
        const ids = [
          ...new Set(
            f.faces.flatMap((x) => x.matches.filter((m) => m.similarity >= p.faceMatchThreshold).map((m) => m.faceId)),
          ),
        ];
        const faces = ids.length
          ? (await this.deps.collections.listFaces({ collectionId: p.collectionId, faceIds: ids })).faces
          : [];
        const record = faceSearchRecord(
          f,
          { inputArn: p.inputArn, status: 'RUNNING', faceMatchThreshold: p.faceMatchThreshold },
          new Map(faces.map((x) => [x.faceId, x])),
        );
        await target.send(record);
      } catch (e) {
        log.warn({ err: e, frame: f.frameNumber }, 'stream processor record not delivered');
      }
    }
  }

  private async detach(name: string): Promise<void> {
    const r = this.running.get(name);
    if (!r) return;
    this.running.delete(name);
    r.detach();
    clearTimeout(r.stopTimer);
    await r.draining;
  }
}
