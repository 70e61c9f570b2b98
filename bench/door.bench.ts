// Door latency on the real engine and embedded stores (the camera test world, test/streams): a push camera gets
// frames at 5 fps (empty scene, then the known visitor until the door has decided, then empty until they left); for
// each visit, the time from the first frame with the face to (a) the Visit reaching the door, (b) door.known
// committed with the passcode, (c) the passcode SMS accepted by the SMS channel (the SMS outbox here).
// Run: nice -n 10 node --import tsx bench/door.bench.ts [--visits 20]
import BetterSqlite3 from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { sqliteDoorStore } from '../src/apps/door/door.sqlite.driver.ts';
import { DoorService } from '../src/apps/door/door.service.ts';
import { SmsPasscodeSender } from '../src/apps/door/sms.passcode.sender.ts';
import { SqliteEventOutbox } from '../src/events/outbox.sqlite.ts';
import { createLogger } from '../src/logger.ts';
import { SqliteNotifyStore } from '../src/notify/notify.sqlite.driver.ts';
import { SmsNotifier } from '../src/notify/sms.notifier.ts';
import { LocalObjectStore } from '../src/storage/local.object-store.driver.ts';
import type { Visit } from '../src/streams/visit.types.ts';
import { SETTINGS } from '../test/door/door.fixture.ts';
import { FPS, KNOWN, openWorld } from '../test/streams/streams.harness.ts';
import { fixtureBytes } from '../test/vision/vision.helper.ts';

const { values: args } = parseArgs({ options: { visits: { type: 'string', default: '20' } }, allowPositionals: true });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

async function frame(name: string | undefined): Promise<Buffer> {
  const bg = sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 90, g: 96, b: 104 } } });
  if (!name) return bg.jpeg({ quality: 85 }).toBuffer();
  const p = await sharp(await fixtureBytes(name))
    .rotate()
    .resize({ height: 400 })
    .toBuffer();
  const w = (await sharp(p).metadata()).width ?? 0;
  return bg
    .composite([{ input: p, top: 40, left: Math.round((640 - w) / 2) }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

const world = await openWorld();
const db = new BetterSqlite3(join(world.dir, 'door.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
try {
  const logger = createLogger('silent');
  const store = sqliteDoorStore(db);
  const outbox = new SqliteEventOutbox(db);
  const notifyStore = new SqliteNotifyStore(db);
  const door = new DoorService({
    store,
    collections: world.collections.service,
    objects: new LocalObjectStore(join(world.dir, 'door-objects')),
    sms: new SmsPasscodeSender(new SmsNotifier({}, notifyStore)),
    similarity: (a, b) => world.engine.similarity(a, b),
    clock: { now: () => new Date() },
    ids: { uuid: randomUUID },
    key: randomUUID().repeat(2),
    settings: SETTINGS,
    logger,
  });
  await door.defineDoor({ id: 'front', name: 'Front door', collectionId: 'door' });
  const [face] = (await world.collections.service.listFaces({ collectionId: 'door' })).faces;
  const now = new Date();
  await store.commit(
    {
      visitor: {
        id: KNOWN,
        doorId: 'front',
        name: 'Dani',
        phone: '+15550000003',
        faceIds: [face!.faceId],
        photos: [],
        createdAt: now,
      },
    },
    now,
  );
  // The door as the camera's sink, timing when each Visit arrives.
  const arrived = new Map<string, number>();
  const handled = new Set<string>();
  world.manager.addSink({
    visit: async (v: Visit) => {
      arrived.set(v.id, Date.now());
      await door.visit(v);
      handled.add(v.id);
    },
    left: (e) => door.left(e),
  });
  const { manager, sink } = world;
  await manager.create({
    id: 'bench-door',
    source: { kind: 'push' },
    collectionId: 'door',
    doorId: 'front',
    cooldownSeconds: 0,
  });
  const empty = await frame(undefined);
  const faces = [await frame('dani_1_640.jpg'), await frame('dani_2_640.jpg')];
  const toVisit: number[] = [];
  const toEvent: number[] = [];
  const toSms: number[] = [];
  const n = Number(args.visits);
  const push = async (jpeg: Buffer) => {
    manager.push('bench-door', jpeg);
    await sleep(1000 / FPS);
  };
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) await push(empty);
    const before = sink.visits.length;
    const firstAt = Date.now();
    let done = false;
    const got = sink.until(() => sink.visits.length > before, 20_000).then(() => (done = true));
    for (let k = 0; !done && k < 100; k++) await push(faces[(i + k) % 2]!);
    await got;
    const v = sink.visits[before]!;
    // The recording sink hears the visit first; the door's sink runs after it (sinks run in order).
    for (let k = 0; !handled.has(v.id) && k < 2000; k++) await sleep(5);
    const [event] = (await outbox.list({ type: 'door.known', limit: 1 })).filter((e) => e.data.visitId === v.id);
    const [sms] = (await notifyStore.listSms(1)).filter((m) => m.eventId === event?.id);
    if (!event || !sms) console.log(`  visit ${i}: ${v.verdict.kind}, no door.known/SMS`);
    else {
      toVisit.push(arrived.get(v.id)! - firstAt);
      toEvent.push(Date.parse(event.occurredAt) - firstAt);
      toSms.push(sms.createdAt.getTime() - firstAt);
    }
    const lefts = sink.lefts.length;
    let gone = false;
    const left = sink.until(() => sink.lefts.length > lefts, 20_000).then(() => (gone = true));
    for (let k = 0; !gone && k < 100; k++) await push(empty);
    await left;
  }
  const line = (what: string, xs: number[]) =>
    console.log(`  ${what}: median ${pct(xs, 0.5)} ms, p95 ${pct(xs, 0.95)} ms, max ${Math.max(...xs)} ms`);
  console.log(`\nfirst frame with the known face → … over ${toSms.length}/${n} visits at ${FPS} fps:`);
  line('Visit at the door', toVisit);
  line('door.known (event time)', toEvent);
  line('passcode SMS accepted', toSms);
} finally {
  db.close();
  await world.close();
}
