// The whole smart door from a camera: a video file made by ffmpeg from fixture photos (the known visitor walks in,
// stays and leaves; then a stranger) played by the camera manager on the real engine, with the door as its
// VisitSink: exactly one door.known and one SMS whose passcode opens the door once, and one door.unknown with one
// owner notification carrying the approval link.
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sqliteDoorStore } from '../../src/apps/door/door.sqlite.driver.ts';
import { DoorService } from '../../src/apps/door/door.service.ts';
import { NotifyOwnerSubscriptions } from '../../src/apps/door/owner.subscriptions.ts';
import { SmsPasscodeSender } from '../../src/apps/door/sms.passcode.sender.ts';
import { SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import { SqliteJobQueue } from '../../src/jobs/sqlite-queue.driver.ts';
import { createLogger } from '../../src/logger.ts';
import { NotificationService } from '../../src/notify/notification.service.ts';
import { SqliteNotifyStore } from '../../src/notify/notify.sqlite.driver.ts';
import { SmsNotifier } from '../../src/notify/sms.notifier.ts';
import { LocalObjectStore } from '../../src/storage/local.object-store.driver.ts';
import { doorFrames, doorVideo, KNOWN, openWorld, type World } from '../streams/streams.harness.ts';
import { SETTINGS, TestClock } from './door.fixture.ts';

const OWNER = '+15550000001';
const DANI = '+15550000003';
let world: World;
let video: string;
let db: BetterSqlite3.Database;
let queue: SqliteJobQueue;
let notifications: NotificationService;

before(async () => {
  world = await openWorld();
  video = await doorVideo(world.dir, await doorFrames());
  db = new BetterSqlite3(':memory:');
});
after(async () => {
  await notifications?.stop();
  await queue?.stop();
  db?.close();
  await world?.close();
});

test(
  'a known visitor and a stranger at a file camera: one passcode SMS, one owner notification',
  { timeout: 300_000 },
  async () => {
    const logger = createLogger('silent');
    const store = sqliteDoorStore(db);
    const outbox = new SqliteEventOutbox(db);
    const notifyStore = new SqliteNotifyStore(db);
    queue = new SqliteJobQueue({ db, logger, pollMs: 20, maxAttempts: 3, backoffMs: 10 });
    const sms = new SmsNotifier({}, notifyStore);
    notifications = new NotificationService({
      store: notifyStore,
      outbox,
      queue,
      notifiers: { sms },
      logger,
      maxAttempts: 3,
      backoffMs: 10,
      pollMs: 50,
      // As the container wires it: the owner's copy of door.unknown carries the approval link.
      copyFor: (event, sub) => door.ownerCopy(event, sub),
    });
    notifications.register();
    await queue.start();
    const clock = new TestClock(new Date());
    const door = new DoorService({
      store,
      collections: world.collections.service,
      objects: new LocalObjectStore(join(world.dir, 'door-objects')),
      sms: new SmsPasscodeSender(sms),
      similarity: (a, b) => world.engine.similarity(a, b),
      clock,
      ids: { uuid: randomUUID },
      key: 'e2e-key-'.padEnd(43, 'k'),
      settings: SETTINGS,
      owners: new NotifyOwnerSubscriptions(notifications, notifyStore),
      logger,
    });
    await door.defineDoor({ id: 'front-door', name: 'Front door', collectionId: 'door', owner: { sms: OWNER } });
    // The known person was registered earlier: their face (external image id "dani") is a visitor of this door.
    const [face] = (await world.collections.service.listFaces({ collectionId: 'door' })).faces;
    await store.commit(
      {
        visitor: {
          id: KNOWN,
          doorId: 'front-door',
          name: 'Dani',
          phone: DANI,
          faceIds: [face!.faceId],
          photos: [],
          createdAt: clock.now(),
        },
      },
      clock.now(),
    );

    world.manager.addSink(door);
    await world.manager.create({
      id: 'front',
      source: { kind: 'file', path: video, loop: false },
      collectionId: 'door',
      doorId: 'front-door',
    });
    await world.manager.drained('front');
    await world.sink.until(() => world.sink.lefts.length >= 2);

    const events = await outbox.list({ limit: 100 });
    const known = events.filter((e) => e.type === 'door.known');
    const unknown = events.filter((e) => e.type === 'door.unknown');
    assert.equal(known.length, 1, JSON.stringify(events.map((e) => e.type)));
    assert.equal(unknown.length, 1, JSON.stringify(events.map((e) => e.type)));
    assert.equal(known[0]!.data.visitorName, 'Dani');

    const daniSms = (await notifyStore.listSms()).filter((m) => m.to === DANI);
    assert.equal(daniSms.length, 1);
    const passcode = /is (\d{6})\./.exec(daniSms[0]!.body)?.[1];
    assert.ok(passcode, daniSms[0]!.body);
    assert.equal((await door.entry.open('front-door', passcode, '10.0.0.1')).granted, true);
    assert.equal((await door.entry.open('front-door', passcode, '10.0.0.1')).granted, false);

    await notifications.dispatch();
    const deliveries = await notifyStore.listDeliveries({ eventId: unknown[0]!.id });
    assert.equal(deliveries.length, 1);
    assert.equal((await notifications.waitForDelivery(deliveries[0]!.id)).state, 'delivered');
    const ownerSms = (await notifyStore.listSms()).filter((m) => m.to === OWNER);
    assert.equal(ownerSms.length, 1);
    assert.ok(ownerSms[0]!.body.includes('/approve?token='), ownerSms[0]!.body);
  },
);
