// Camera benchmarks on the real engine and embedded collections (the camera test world, test/streams):
//   1. latency from the first frame in which a known face appears to the Visit, over --visits visits: a browser-style
//      push camera gets frames at 5 fps (empty scene, then the known person until the visit, then empty until left);
//   2. cameras sustained: N file cameras each looping the 640×480 door video at 5 fps for --seconds; achieved fps,
//      frames dropped (latest-frame slot replaced before inference took it), CPU of this process and of ffmpeg.
// Run: nice -n 10 node --import tsx bench/streams.bench.ts [-- --visits 20 --seconds 20 --cameras 1,2,3,4,6]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { doorFrames, doorVideo, FPS, openWorld } from '../test/streams/streams.harness.ts';
import { fixtureBytes } from '../test/vision/vision.helper.ts';

const { values: args } = parseArgs({
  options: {
    visits: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    cameras: { type: 'string', default: '1,2,3,4,6' },
    /** Images analysed at once (FACEGATE_VISION_CONCURRENCY); each ONNX session uses 1 intra-op thread here. */
    concurrency: { type: 'string', default: '1' },
    /** Skip the latency part (load runs only). */
    'load-only': { type: 'boolean', default: false },
  },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
/** CPU seconds of reaped children (ffmpeg), from /proc/self/stat cutime + cstime (clock ticks, 100 Hz). */
const childCpu = () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[14]) + Number(f[15])) / 100;
};

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

const world = await openWorld({ concurrency: Number(args.concurrency) });
console.log(`engine concurrency ${args.concurrency}`);
try {
  // ---- 1. latency ----
  const { manager, sink } = world;
  await manager.create({ id: 'bench-push', source: { kind: 'push' }, collectionId: 'door', cooldownSeconds: 0 });
  const empty = await frame(undefined);
  const faces = [await frame('dani_1_640.jpg'), await frame('dani_2_640.jpg')];
  /** One frame, then the 5 fps frame interval (a browser camera's pace). */
  const pushPaced = async (jpeg: Buffer) => {
    manager.push('bench-push', jpeg);
    await sleep(1000 / FPS);
  };
  const latencies: number[] = [];
  const frames: number[] = [];
  const n = args['load-only'] ? -1 : Number(args.visits);
  // Visit 0 warms the models up (the first analysis loads them) and is not counted.
  for (let i = 0; i <= n; i++) {
    for (let k = 0; k < 3; k++) await pushPaced(empty);
    const before = sink.visits.length;
    const firstAt = Date.now();
    let at = 0;
    const got = sink.until(() => sink.visits.length > before, 20_000).then(() => (at = Date.now()));
    for (let k = 0; !at && k < 100; k++) await pushPaced(faces[(i + k) % 2]!);
    await got;
    const v = sink.visits[before]!;
    if (v.verdict.kind !== 'known') console.log(`  visit ${i}: ${v.verdict.kind}`);
    if (i > 0) {
      latencies.push(at - firstAt);
      frames.push(v.framesSeen);
    }
    const lefts = sink.lefts.length;
    const left = sink.until(() => sink.lefts.length > lefts, 20_000);
    let done = false;
    void left.then(() => (done = true));
    for (let k = 0; !done && k < 100; k++) await pushPaced(empty);
    await left;
  }
  await manager.delete('bench-push');
  if (n > 0) {
    console.log(`\nlatency first face frame → Visit over ${n} visits at ${FPS} fps:`);
    console.log(`  median ${pct(latencies, 0.5)} ms, p95 ${pct(latencies, 0.95)} ms, max ${Math.max(...latencies)} ms`);
    console.log(`  frames in the track at the decision: median ${pct(frames, 0.5)}, max ${Math.max(...frames)}`);
    console.log(
      `  known ${sink.visits.filter((v) => v.verdict.kind === 'known').length}/${sink.visits.length} (with the warm-up visit)`,
    );
  }

  // ---- 2. cameras sustained ----
  const video = await doorVideo(world.dir, await doorFrames());
  const seconds = Number(args.seconds);
  console.log(`\ncameras looping the 640×480 door video at ${FPS} fps, ${seconds} s each run:`);
  console.log(
    '  cameras | fps per camera (min / mean) | frames dropped (% of received) | CPU this process | CPU ffmpeg (all) | CPU per camera',
  );
  for (const count of args.cameras.split(',').map(Number)) {
    const ids = Array.from({ length: count }, (_, i) => `load-${count}-${i}`);
    for (const id of ids)
      await manager.create({ id, source: { kind: 'file', path: video, loop: true }, collectionId: 'door' });
    await sleep(3000); // warm-up: ffmpeg start, first frames
    const startStatus = new Map(ids.map((id) => [id, manager.get(id).status]));
    const cpu0 = process.cpuUsage();
    const child0 = childCpu();
    const t0 = Date.now();
    await sleep(seconds * 1000);
    const wall = (Date.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const rows = ids.map((id) => {
      const a = startStatus.get(id)!;
      const b = manager.get(id).status;
      return {
        fps: (b.framesAnalysed - a.framesAnalysed) / wall,
        received: b.framesReceived - a.framesReceived,
        dropped: b.framesDropped - a.framesDropped,
      };
    });
    for (const id of ids) await manager.delete(id);
    const childSec = childCpu() - child0;
    const nodeCores = (cpu.user + cpu.system) / 1e6 / wall;
    const ffmpegCores = childSec / (wall + 3);
    const received = rows.reduce((s, r) => s + r.received, 0);
    const dropped = rows.reduce((s, r) => s + r.dropped, 0);
    const fps = rows.map((r) => r.fps);
    console.log(
      `  ${count} | ${Math.min(...fps).toFixed(2)} / ${(fps.reduce((s, x) => s + x, 0) / count).toFixed(2)} | ${dropped} (${((dropped / Math.max(1, received)) * 100).toFixed(1)} %) | ${(nodeCores * 100).toFixed(0)} % | ${(ffmpegCores * 100).toFixed(0)} % | ${(((nodeCores + ffmpegCores) / count) * 100).toFixed(0)} % of a core`,
    );
  }
} finally {
  await world.close();
}
