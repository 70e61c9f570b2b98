// `facegate eval lfw` end to end on a tiny LFW-shaped set made of fixture photos (two folds, each with two
// same-person and two different-person pairs), through the product's detector and MobileFaceNet.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preparedRuntime } from '../helpers/models.helper.ts';

const BIN = fileURLToPath(new URL('../../bin/facegate.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/images/', import.meta.url));

function facegate(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, FACEGATE_LOG_LEVEL: 'silent' } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out }));
  });
}

const IMAGES: Record<string, string> = {
  'Ann/Ann_0001.jpg': 'identity.jpg',
  'Ann/Ann_0002.jpg': 'looking_at_screen.jpg',
  'Dan/Dan_0001.jpg': 'dani_640.jpg',
  'Dan/Dan_0002.jpg': 'dani_1_640.jpg',
  'Pat/Pat_0001.jpg': 'photo1.jpeg',
  'Pat/Pat_0003.jpg': 'photo3.jpeg',
  'Gra/Gra_0001.jpg': 'grace_hopper_512x512.jpg',
};
const PAIRS = [
  '2\t2',
  'Ann\t1\t2',
  'Dan\t1\t2',
  'Ann\t1\tDan\t1',
  'Gra\t1\tPat\t1',
  'Pat\t1\t3',
  'Ann\t2\t1',
  'Dan\t2\tPat\t3',
  'Ann\t2\tGra\t1',
].join('\n');

describe('facegate eval lfw', () => {
  let dir: string;
  before(async () => {
    await (await preparedRuntime(['blazeface', 'facemesh', 'mobilefacenet'])).close();
    dir = await mkdtemp(join(tmpdir(), 'facegate-eval-lfw-'));
    for (const [to, from] of Object.entries(IMAGES)) {
      await mkdir(join(dir, 'images', to.split('/')[0]!), { recursive: true });
      await copyFile(join(FIXTURES, from), join(dir, 'images', to));
    }
    await writeFile(join(dir, 'pairs.txt'), PAIRS);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('reports per-fold accuracy, AUC and detection failures for each descriptor, and calibrates', async () => {
    const json = join(dir, 'out.json');
    const r = await facegate([
      'eval',
      'lfw',
      '--dataset',
      dir,
      '--pairs',
      'pairs.txt',
      '--embedders',
      'mobilefacenet',
      '--cache',
      join(dir, 'cache'),
      '--json',
      json,
      '--calibrate',
      'mobilefacenet',
    ]);
    assert.equal(r.code, 0, r.out);
    const rows = JSON.parse(await readFile(json, 'utf8')) as {
      name: string;
      accuracy: number;
      auc: number;
      folds: number;
      detectionFailures: number;
    }[];
    assert.equal(rows.length, 1);
    assert.match(rows[0]!.name, /mobilefacenet/);
    assert.equal(rows[0]!.folds, 2);
    assert.equal(rows[0]!.detectionFailures, 0);
    assert.equal(rows[0]!.auc, 1, 'every same-person pair outscores every different-person pair');
    assert.equal(rows[0]!.accuracy, 100);
    assert.match(r.out, /knots \(cosine → similarity\)/);
  });

  test('skips with a clear message when the data set is absent', async () => {
    const r = await facegate(['eval', 'lfw', '--dataset', join(dir, 'missing')]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /skipped: .*is absent/);
  });
});
