// Vision speed and memory: Facegate's pipeline on a 640×480 photo with one face (decode → detect → align → embed,
// then with every attribute), RSS with the models loaded, start-up with a warm model cache; and the same photo
// through human and face-api on tfjs-wasm, each in its own process (two tfjs copies would share one global
// engine), with Facegate's speed as a ratio to theirs. Fixture images only: no dataset needed.
// Run: npm run bench:vision [-- --runs 30] [--no-baselines]
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    baselines: { type: 'boolean', default: true },
    'no-baselines': { type: 'boolean', default: false },
    baseline: { type: 'string' },
  },
});
const runs = Number(args.runs);
const FIXTURE = new URL('../test/fixtures/images/identity.jpg', import.meta.url);

/** identity.jpg (576×768 portrait, one face) cropped and scaled to 640×480, re-encoded as JPEG q90. */
async function benchPhoto(): Promise<Buffer> {
  return sharp(await readFile(FIXTURE))
    .resize(640, 480, { fit: 'cover', position: 'top' })
    .jpeg({ quality: 90 })
    .toBuffer();
}

interface Stats {
  median: number;
  p95: number;
}
function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]! };
}
async function time(n: number, fn: () => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < 3; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return stats(ms);
}
const fmt = (s: Stats) => `median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms`;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

/** Child process: one baseline library, decode (sharp) + detect + descriptors, JSON on stdout. */
async function runBaseline(which: string): Promise<void> {
  const { humanBaseline, faceApiBaseline } = await import('./wasm.baselines.ts');
  const baseline = which === 'human' ? await humanBaseline() : await faceApiBaseline();
  const photo = await benchPhoto();
  let faces = 0;
  const s = await time(runs, async () => {
    const { data, info } = await sharp(photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    faces = await baseline.run({ data: new Uint8Array(data), width: info.width, height: info.height });
  });
  process.stdout.write(`${JSON.stringify({ name: baseline.name, faces, ...s, rss: process.memoryUsage().rss })}\n`);
}

async function main(): Promise<void> {
  const { loadConfig } = await import('../src/config/config.ts');
  const { createLogger } = await import('../src/logger.ts');
  const { createFaceEngine } = await import('../src/vision/face.engine.ts');
  const config = loadConfig();
  const t0 = performance.now();
  const engine = await createFaceEngine(config, createLogger('warn'));
  await engine.ready();
  const engineMs = performance.now() - t0;
  const startup = performance.now(); // since process start: node, tsx, imports, sessions, warm-up
  const photo = await benchPhoto();
  const faces = (await engine.analyze(photo, { descriptors: true })).faces.length;
  const detect = await time(runs, () => engine.analyze(photo));
  const embed = await time(runs, () => engine.analyze(photo, { descriptors: true }));
  const all = await time(runs, () => engine.analyze(photo, { descriptors: true, attributes: true }));
  const everything = await time(runs, () =>
    engine.analyze(photo, { descriptors: true, attributes: true, liveness: true }),
  );
  const rss = process.memoryUsage().rss;
  await engine.close();

  console.log(
    `vision bench ${new Date().toISOString()}  ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}  node ${process.version}`,
  );
  console.log(
    `photo: identity.jpg → 640×480 JPEG, ${faces} face(s); ${runs} runs after 3 warm-up; threads ${config.models.threads}`,
  );
  console.log(
    `start-up (warm cache): ${startup.toFixed(0)} ms since process start (engine create + ready ${engineMs.toFixed(0)} ms)`,
  );
  console.log(`decode → detect (no descriptor):         ${fmt(detect)}`);
  console.log(`decode → detect → align → embed:          ${fmt(embed)}`);
  console.log(`  + all attributes:                       ${fmt(all)}`);
  console.log(`  + all attributes + liveness:            ${fmt(everything)}`);
  console.log(`RSS with the models loaded: ${mb(rss)}`);
  if (!args.baselines || args['no-baselines']) return;
  for (const which of ['human', 'faceapi']) {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--baseline', which, '--runs', String(runs)],
      {
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const line = r.stdout.trim().split('\n').pop() ?? '';
    try {
      const b = JSON.parse(line) as Stats & { name: string; faces: number; rss: number };
      console.log(
        `${b.name}: ${fmt(b)}, ${b.faces} face(s), RSS ${mb(b.rss)} → Facegate (detect + embed) is ${(b.median / embed.median).toFixed(1)}× faster`,
      );
    } catch {
      console.log(`${which}: failed (${r.status}): ${(r.stderr || line).slice(-400)}`);
    }
  }
}

if (args.baseline) await runBaseline(args.baseline);
else await main();
