// Derived attributes (eyes open, mouth open, smile, beard, mustache, eyeglasses, sunglasses) through the engine's
// DetectFaces ALL path on bench/attributes.list.csv: 27 photos of ../shared/datasets labelled by inspection (human's
// stock-emotion series for eyes, mouth and smile; AWS and public-domain portraits for hair and glasses). A blank cell
// was not judged. The thresholds were set before this list existed (on the fixture portraits, which overlap it):
// read it as a measurement of the shipped rules on few photos, not as unseen data.
// Run: node --import tsx bench/attributes.photos.ts [--datasets ../shared/datasets]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { createFaceEngine } from '../src/vision/face.engine.ts';
import { createLogger } from '../src/logger.ts';

const { values: args } = parseArgs({ options: { datasets: { type: 'string' } } });
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const datasets = resolve(args.datasets ?? resolve(repo, '../shared/datasets'));
if (!existsSync(join(datasets, 'vladmandic_human'))) {
  console.log(`SKIPPED: ${datasets} not found`);
  process.exit(0);
}
const FIELDS = ['eyesOpen', 'mouthOpen', 'smile', 'beard', 'mustache', 'eyeglasses', 'sunglasses'] as const;
const lines = readFileSync(join(repo, 'bench/attributes.list.csv'), 'utf8').trim().split('\n').slice(1);
const engine = await createFaceEngine(loadConfig(), createLogger('silent'));
const tally = Object.fromEntries(
  FIELDS.map((f) => [f, { n: 0, right: 0, wrong: [] as string[], conf: [] as number[] }]),
);
for (const line of lines) {
  const [path = '', ...cells] = line.split(',');
  const r = await engine.analyze(new Uint8Array(readFileSync(join(datasets, path))), {
    attributes: true,
    source: 'object',
  });
  const face = [...r.faces].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
  FIELDS.forEach((f, i) => {
    const want = cells[i];
    if (want !== 'true' && want !== 'false') return;
    const t = tally[f]!;
    t.n++;
    const got = face?.attributes?.[f];
    if (got && String(got.value) === want) {
      t.right++;
      t.conf.push(got.confidence);
    } else t.wrong.push(`${path.split('/').pop()} (${got ? `${got.value} ${got.confidence}` : 'no face'})`);
  });
}
await engine.close();
console.log('attribute | photos | right | accuracy | mean confidence when right | wrong');
for (const f of FIELDS) {
  const t = tally[f]!;
  const mean = t.conf.length ? t.conf.reduce((a, b) => a + b, 0) / t.conf.length : 0;
  console.log(
    `${f} | ${t.n} | ${t.right} | ${((100 * t.right) / Math.max(1, t.n)).toFixed(0)}% | ${mean.toFixed(0)} | ${t.wrong.join('; ')}`,
  );
}
