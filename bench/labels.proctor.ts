// DetectLabels on ../shared/datasets/proctor.csv (the virtual-proctor photos): persons and phone as the proctor
// checks them (MinConfidence 85 by default), against the CSV's expectations.
// Run: node --import tsx bench/labels.proctor.ts [--min-confidence 85]
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.ts';
import { decodeImage } from '../src/vision/image/decode.ts';
import { createModelRuntime } from '../src/vision/models/model.runtime.ts';
import { detectLabels } from '../src/vision/labels/labels.detect.ts';

const { values: args } = parseArgs({ options: { 'min-confidence': { type: 'string', default: '85' } } });
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const datasets = resolve(repo, '../shared/datasets');
const csv = join(datasets, 'proctor.csv');
if (!existsSync(csv)) {
  console.log(`SKIPPED: ${csv} not found (the datasets live in ../shared/datasets next to the repository)`);
  process.exit(0);
}
const config = loadConfig();
const runtime = createModelRuntime(config);
const minConfidence = Number(args['min-confidence']);
let right = 0;
const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1);
for (const line of rows) {
  const [path = '', persons = '0', phone = 'no'] = line.split(',');
  const { rgb } = await decodeImage(new Uint8Array(await readFile(join(datasets, path))), config.images, {
    source: 'object',
  });
  const labels = await detectLabels(runtime, rgb, { minConfidence });
  const got = labels.find((l) => l.name === 'Person')?.instances.length ?? 0;
  const gotPhone = labels.some((l) => l.name === 'Mobile Phone' || l.name === 'Cell Phone');
  const ok = got === Number(persons) && gotPhone === (phone === 'yes');
  if (ok) right++;
  console.log(`${ok ? 'ok  ' : 'MISS'} ${path}: persons ${got} (want ${persons}), phone ${gotPhone} (want ${phone})`);
}
console.log(`${right}/${rows.length} images as expected at MinConfidence ${minConfidence}`);
await runtime.close();
