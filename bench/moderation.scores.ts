// nsfw classifier scores over every image of ../shared/datasets (all ordinary photos: portraits, LFW, groups,
// objects): the distribution per class, the top scorers, and how many images each candidate gate would flag.
// The product rule: at the default gate, none. Run: node --import tsx bench/moderation.scores.ts [--limit N]
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import {
  MODERATION_GATES,
  NSFW_CLASSES,
  nsfwScores,
  type NsfwScores,
} from '../src/vision/moderation/moderation.detect.ts';

const { values: args } = parseArgs({ options: { limit: { type: 'string', default: '0' } } });
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const datasets = resolve(repo, '../shared/datasets');
if (!existsSync(datasets)) {
  console.log(`SKIPPED: ${datasets} not found (the datasets live in ../shared/datasets next to the repository)`);
  process.exit(0);
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (/\.(jpe?g|png|webp)$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

const config = loadConfig();
const runtime = createModelRuntime(config);
let files = await walk(datasets);
const limit = Number(args.limit);
if (limit > 0) files = files.slice(0, limit);
const limits = { ...config.images, minSide: 1 };
const results: { file: string; s: NsfwScores }[] = [];
let failed = 0;
const started = performance.now();
for (const [i, f] of files.entries()) {
  try {
    const { rgb } = await decodeImage(new Uint8Array(await readFile(f)), limits, { source: 'object', maxSide: 1024 });
    results.push({ file: relative(datasets, f), s: await nsfwScores(runtime, rgb) });
  } catch {
    failed++;
  }
  if ((i + 1) % 500 === 0) console.error(`${i + 1}/${files.length}`);
}
const secs = (performance.now() - started) / 1000;
console.log(`${results.length} images scored (${failed} not decodable) in ${secs.toFixed(0)} s`);

const q = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
console.log('class    median   p90     p99     max');
for (const c of NSFW_CLASSES) {
  const xs = results.map((r) => r.s[c]).sort((a, b) => a - b);
  console.log(
    `${c.padEnd(8)} ${[0.5, 0.9, 0.99].map((p) => q(xs, p).toFixed(4)).join('  ')}  ${xs.at(-1)!.toFixed(4)}`,
  );
}
for (const c of ['Porn', 'Hentai', 'Sexy'] as const) {
  const top = [...results].sort((a, b) => b.s[c] - a.s[c]).slice(0, 5);
  console.log(`top ${c}: ${top.map((r) => `${r.file} ${r.s[c].toFixed(3)}`).join('; ')}`);
  const counts = [0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99].map(
    (g) => `${g}: ${results.filter((r) => r.s[c] >= g).length}`,
  );
  console.log(`  images flagged at gate ${counts.join(', ')}`);
}
const flagged = results.filter((r) => (['Porn', 'Hentai', 'Sexy'] as const).some((c) => r.s[c] >= MODERATION_GATES[c]));
console.log(`at the default gates ${JSON.stringify(MODERATION_GATES)}: ${flagged.length} of ${results.length} flagged`);
for (const r of flagged) console.log(`  FLAGGED ${r.file} ${JSON.stringify(r.s)}`);
await runtime.close();
