// What the profile pass costs: detection with the pass at its default (when-none) and off, interleaved run by run in
// one process so that both see the same CPU load, on (a) identity.jpg cropped to 640×480 (one frontal face: the pass
// must not run), (b) photo6 (a profile: the pass runs and finds it), (c) coffee.png (no face: the pass runs and finds
// nothing); plus RSS after each engine's ready() in its own child process. Fixture images only: no dataset needed.
// Run: node --import tsx bench/profiles.speed.ts [--runs 20]
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logger.ts';
import { createFaceEngine } from '../src/vision/face.engine.ts';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, rss: { type: 'string' } },
});
const fixture = (name: string) => readFile(new URL(`../test/fixtures/images/${name}`, import.meta.url));

if (args.rss) {
  // Child: one engine, ready, report its RSS.
  const engine = await createFaceEngine(loadConfig({ FACEGATE_DETECT_PROFILES: args.rss }), createLogger('silent'));
  await engine.ready();
  await engine.analyze(new Uint8Array(await fixture('photo6.jpeg')));
  console.log(JSON.stringify({ rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) }));
  await engine.close();
  process.exit(0);
}

const runs = Number(args.runs);
const photos: [string, Uint8Array][] = [
  [
    'identity 640×480 (frontal)',
    new Uint8Array(
      await sharp(await fixture('identity.jpg'))
        .resize(640, 480, { fit: 'cover', position: 'top' })
        .jpeg({ quality: 90 })
        .toBuffer(),
    ),
  ],
  ['photo6 540×540 (profile)', new Uint8Array(await fixture('photo6.jpeg'))],
  ['coffee 600×400 (no face)', new Uint8Array(await fixture('coffee.png'))],
];
const modes = ['when-none', 'off'] as const;
const engines = await Promise.all(
  modes.map((m) => createFaceEngine(loadConfig({ FACEGATE_DETECT_PROFILES: m }), createLogger('silent'))),
);
for (const e of engines) await e.ready();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`profile pass cost, ${runs} interleaved runs per photo and mode, ${new Date().toISOString()}`);
for (const [name, bytes] of photos) {
  const times: number[][] = modes.map(() => []);
  const faces: number[] = modes.map(() => 0);
  for (let r = 0; r < runs; r++)
    for (const [i, e] of engines.entries()) {
      const t0 = performance.now();
      faces[i] = (await e.analyze(bytes)).faces.length;
      times[i]!.push(performance.now() - t0);
    }
  console.log(
    `${name.padEnd(28)} ` +
      modes.map((m, i) => `${m}: ${median(times[i]!).toFixed(1)} ms median, ${faces[i]} face(s)`).join('   '),
  );
}
for (const e of engines) await e.close();
for (const m of modes) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--rss', m], {
    encoding: 'utf8',
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  console.log(
    `RSS after ready() and one profile photo, profiles=${m}: ${line.startsWith('{') ? JSON.parse(line).rssMb : '?'} MB`,
  );
}
console.log('(shared 2-core CPU: timings are upper bounds; compare the two modes, measured in the same minutes)');
