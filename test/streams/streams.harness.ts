// The camera tests' world: the real FaceEngine and embedded collections (a temp data directory), a CameraManager on
// an in-memory SQLite store, a recording VisitSink, and a "door video" composed from fixture photos:
// empty scene → a known person (dani) walks in and stays → empty → a stranger (Grace Hopper) → empty.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import sharp from 'sharp';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openCollections, type OpenedCollections } from '../../src/collections/collection.factory.ts';
import { createFaceEngine, type LocalFaceEngine } from '../../src/vision/face.engine.ts';
import { CameraManager } from '../../src/streams/camera.manager.ts';
import { sqliteCameraStore } from '../../src/streams/camera.sqlite.ts';
import { engineAnalyser } from '../../src/streams/frame.analyser.ts';
import { sharpAnnotator } from '../../src/streams/sharp.annotator.ts';
import { probeFfmpeg } from '../../src/streams/sources/ffmpeg.source.ts';
import type { AnalysedFrame, Visit, VisitLeft, VisitSink } from '../../src/streams/visit.types.ts';
import { ffmpegPath } from '../helpers/services.ts';
import { fixtureBytes, visionRuntime } from '../vision/vision.helper.ts';

export const KNOWN = 'dani';
export const FPS = 5;

/** A VisitSink that records everything, with bounded waits on what it has seen. */
export class RecordingSink implements VisitSink {
  readonly visits: Visit[] = [];
  readonly lefts: VisitLeft[] = [];
  frames = 0;
  private waiters: (() => void)[] = [];

  frame(_f: AnalysedFrame): void {
    this.frames++;
  }
  async visit(v: Visit): Promise<void> {
    this.visits.push(v);
    this.notify();
  }
  async left(e: VisitLeft): Promise<void> {
    this.lefts.push(e);
    this.notify();
  }
  /** Resolves once `ok()` holds; rejects after `timeoutMs` saying what was seen. */
  until(ok: () => boolean, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ok()) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(
        () => reject(new Error(`timed out: ${this.visits.length} visits, ${this.lefts.length} left`)),
        timeoutMs,
      );
      if (!check()) this.waiters.push(check as () => void);
    });
  }
  private notify() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) if (!(f as () => boolean)()) this.waiters.push(f);
  }
}

export interface World {
  dir: string;
  engine: LocalFaceEngine;
  collections: OpenedCollections;
  manager: CameraManager;
  sink: RecordingSink;
  db: BetterSqlite3.Database;
  close(): Promise<void>;
}

/** `concurrency`: images the engine analyses at once (FACEGATE_VISION_CONCURRENCY; 1 by default). */
export async function openWorld(options: { concurrency?: number } = {}): Promise<World> {
  const runtime = await visionRuntime(['blazeface', 'facemesh', 'mobilefacenet']);
  const config = loadConfig({ FACEGATE_VISION_CONCURRENCY: String(options.concurrency ?? 1) });
  const engine = await createFaceEngine(config, createLogger('silent'), { runtime });
  const dir = await mkdtemp(join(tmpdir(), 'facegate-streams-'));
  const collections = await openCollections({
    config: { dataDir: dir, collections: { synchronous: 'NORMAL', vectorFormat: 'int8' } },
    engine,
    logger: createLogger('silent'),
  });
  await collections.service.createCollection({ collectionId: 'door' });
  const indexed = await collections.service.indexFaces({
    collectionId: 'door',
    image: { bytes: new Uint8Array(await fixtureBytes('dani_640.jpg')) },
    externalImageId: KNOWN,
  });
  if (indexed.faceRecords.length !== 1) throw new Error('the known face was not indexed');
  const db = new BetterSqlite3(':memory:');
  const version = await probeFfmpeg(ffmpegPath()).then(
    (v) => ({ ok: true as const, version: v }),
    (e: Error) => ({ ok: false as const, error: e.message }),
  );
  const manager = new CameraManager({
    store: sqliteCameraStore(db),
    configCameras: [],
    analyser: engineAnalyser(engine, collections.service),
    objects: collections.objects,
    annotator: sharpAnnotator(),
    ffmpegPath: ffmpegPath(),
    ffmpeg: version,
    ids: randomUUID,
    now: () => new Date(),
    log: createLogger('silent'),
    runtime: { backoffMs: 200, maxBackoffMs: 1000, idleMs: 1000 },
  });
  await manager.start();
  const sink = new RecordingSink();
  manager.addSink(sink);
  return {
    dir,
    engine,
    collections,
    manager,
    sink,
    db,
    close: async () => {
      await manager.close();
      db.close();
      await collections.close();
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const W = 640;
const H = 480;

async function scene(name: string | undefined, offsetX = 0): Promise<Buffer> {
  const bg = sharp({ create: { width: W, height: H, channels: 3, background: { r: 90, g: 96, b: 104 } } });
  if (!name) return bg.jpeg({ quality: 85 }).toBuffer();
  const portrait = await sharp(await fixtureBytes(name))
    .rotate()
    .resize({ height: 400 })
    .toBuffer();
  const meta = await sharp(portrait).metadata();
  const left = Math.max(0, Math.min(W - (meta.width ?? 0), Math.round((W - (meta.width ?? 0)) / 2 + offsetX)));
  return bg
    .composite([{ input: portrait, top: 40, left }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * The door scene at FPS frames a second (JPEGs): 1 s empty, the known person walking in (shifting) and standing
 * (3 s), 3 s empty, the stranger (2 s), 3 s empty.
 */
export async function doorFrames(): Promise<Buffer[]> {
  const empty = await scene(undefined);
  const frames: Buffer[] = [];
  const hold = (f: Buffer, seconds: number) => {
    for (let i = 0; i < seconds * FPS; i++) frames.push(f);
  };
  hold(empty, 1);
  for (const dx of [-60, -40, -20]) frames.push(await scene('dani_1_640.jpg', dx));
  hold(await scene('dani_1_640.jpg'), 1.4);
  hold(await scene('dani_2_640.jpg'), 1);
  hold(empty, 3);
  hold(await scene('grace_hopper_512x512.jpg'), 2);
  hold(empty, 3);
  return frames;
}

/** The door scene as an H.264 video file (made by ffmpeg from the frames). */
export async function doorVideo(dir: string, frames: Buffer[]): Promise<string> {
  const out = join(dir, 'door.mp4');
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'image2pipe',
    '-framerate',
    String(FPS),
    '-i',
    'pipe:0',
  ];
  args.push('-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', String(FPS), out);
  await run(ffmpegPath(), args, Buffer.concat(frames));
  return out;
}

export function run(cmd: string, args: string[], stdin?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`))));
    child.stdin.end(stdin);
  });
}

export { writeFile };
