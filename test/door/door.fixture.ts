// A DoorService on the real engine and real stores: the product detector + descriptor over fixture photos, real
// collections (SQLite + vector index), one in-memory SQLite database holding the door store, the event outbox, the
// job queue and the notification tables (as one deployment's database does), the real notification service with the
// SMS channel writing to its outbox, and a clock the test moves.
import BetterSqlite3 from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteDoorStore } from '../../src/apps/door/door.sqlite.driver.ts';
import type { DoorSettings, PasscodeSender } from '../../src/apps/door/door.ports.ts';
import { DoorService } from '../../src/apps/door/door.service.ts';
import { NotifyOwnerSubscriptions } from '../../src/apps/door/owner.subscriptions.ts';
import { SmsPasscodeSender } from '../../src/apps/door/sms.passcode.sender.ts';
import { openCollections, type OpenedCollections } from '../../src/collections/collection.factory.ts';
import { loadConfig } from '../../src/config/config.ts';
import { SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import { SqliteJobQueue } from '../../src/jobs/sqlite-queue.driver.ts';
import { createLogger } from '../../src/logger.ts';
import { NotificationService } from '../../src/notify/notification.service.ts';
import { SqliteNotifyStore } from '../../src/notify/notify.sqlite.driver.ts';
import { SmsNotifier } from '../../src/notify/sms.notifier.ts';
import type { Channel, Notifier } from '../../src/notify/notify.types.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import type { Visit, VisitVerdict } from '../../src/streams/visit.types.ts';
import { createFaceEngine, type LocalFaceEngine } from '../../src/vision/face.engine.ts';
import { FACE_MODELS, fixtureBytes, visionRuntime } from '../vision/vision.helper.ts';

export const T0 = new Date('2026-12-01T18:00:00Z');

export const SETTINGS: DoorSettings = {
  passcodeTtlSeconds: 300,
  approvalTtlSeconds: 3600,
  publicUrl: 'http://door.test',
  maxFailures: 5,
  doorMaxFailures: 50,
  lockoutSeconds: 30,
  maxLockoutSeconds: 3600,
  denyCooldownSeconds: 1800,
  bucket: 'door',
};

export class TestClock {
  constructor(public t: Date = T0) {}
  now = (): Date => this.t;
  advance(seconds: number): void {
    this.t = new Date(this.t.getTime() + seconds * 1000);
  }
}

/** Fails its first `failures` sends (a provider outage, or the crash between commit and send). */
export class FlakySender implements PasscodeSender {
  constructor(
    private readonly inner: PasscodeSender,
    public failures = 0,
  ) {}
  async send(to: string, text: string, eventId: string | null): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('provider down');
    }
    await this.inner.send(to, text, eventId);
  }
}

export interface DoorFixture {
  engine: LocalFaceEngine;
  collections: OpenedCollections;
  service: DoorService;
  clock: TestClock;
  outbox: SqliteEventOutbox;
  notifyStore: SqliteNotifyStore;
  notifications: NotificationService;
  sender: FlakySender;
  /** A camera's visit from a fixture photo: the real descriptor and box, the photo as the best frame. */
  visit(file: string, verdict: VisitVerdict | 'search', doorId?: string): Promise<Visit>;
  close(): Promise<void>;
}

export async function doorFixture(
  options: { notifiers?: Partial<Record<Channel, Notifier>> } = {},
): Promise<DoorFixture> {
  const logger = createLogger('silent');
  const runtime = await visionRuntime(FACE_MODELS);
  const engine = await createFaceEngine(loadConfig({}), logger, { runtime });
  await engine.ready();
  const dir = await mkdtemp(join(tmpdir(), 'facegate-door-'));
  const collections = await openCollections({
    config: { dataDir: dir, collections: { synchronous: 'FULL', vectorFormat: 'float32' } },
    engine,
    logger,
  });
  const db = new BetterSqlite3(':memory:');
  const store = sqliteDoorStore(db);
  const outbox = new SqliteEventOutbox(db);
  const notifyStore = new SqliteNotifyStore(db);
  const queue = new SqliteJobQueue({ db, logger, pollMs: 20, maxAttempts: 3, backoffMs: 10 });
  const sms = new SmsNotifier({}, notifyStore);
  const objects = new LocalObjectStore(join(dir, 'door-objects'));
  const notifications: NotificationService = new NotificationService({
    store: notifyStore,
    outbox,
    queue,
    notifiers: { sms, ...options.notifiers },
    objects,
    logger,
    maxAttempts: 3,
    backoffMs: 10,
    pollMs: 50,
    // As the container wires it: the owner's copy of door.unknown carries the approval link.
    copyFor: (event, sub) => service.ownerCopy(event, sub),
  });
  notifications.register();
  await queue.start();
  const clock = new TestClock();
  const sender = new FlakySender(new SmsPasscodeSender(sms));
  const service: DoorService = new DoorService({
    store,
    collections: collections.service,
    objects,
    sms: sender,
    similarity: (a, b) => engine.similarity(a, b),
    clock,
    ids: { uuid: randomUUID },
    key: 'test-key-'.padEnd(43, 'k'),
    settings: SETTINGS,
    owners: new NotifyOwnerSubscriptions(notifications, notifyStore),
    logger,
  });
  const visit = async (file: string, verdict: VisitVerdict | 'search', doorId = 'front'): Promise<Visit> => {
    const jpeg = new Uint8Array(await fixtureBytes(file));
    const face = (await engine.analyze(jpeg, { descriptors: true })).faces[0];
    if (!face?.descriptor) throw new Error(`no face in ${file}`);
    const door = await store.getDoor(doorId);
    const collectionId = door?.collectionId ?? `door-${doorId}`;
    let v: VisitVerdict = verdict === 'search' ? { kind: 'unknown', bestSimilarity: null } : verdict;
    if (verdict === 'search') {
      const r = await collections.service.searchFacesByImage({
        collectionId,
        image: { bytes: jpeg },
        maxFaces: 1,
        faceMatchThreshold: 0,
      });
      const m = r.faceMatches[0];
      v =
        m && m.similarity >= (door?.threshold ?? 80)
          ? {
              kind: 'known',
              faceId: m.face.faceId,
              userId: m.face.userId ?? null,
              externalImageId: m.face.externalImageId ?? null,
              similarity: m.similarity,
            }
          : { kind: 'unknown', bestSimilarity: m?.similarity ?? null };
    }
    const at = clock.now();
    return {
      id: randomUUID(),
      cameraId: 'cam-front',
      doorId,
      collectionId,
      trackId: randomUUID(),
      verdict: v,
      firstSeenAt: at,
      decidedAt: at,
      framesSeen: 6,
      snapshots: [{ jpeg, box: face.box, quality: 90 }],
      descriptor: face.descriptor,
    };
  };
  return {
    engine,
    collections,
    service,
    clock,
    outbox,
    notifyStore,
    notifications,
    sender,
    visit,
    close: async () => {
      await notifications.stop();
      await queue.stop();
      db.close();
      await collections.close();
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
