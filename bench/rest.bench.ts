// REST API benchmark over HTTP on localhost, real engine and stores: the overhead of the REST layer (auth with an
// API key + quota count in SQLite, validation, response schema) on GET /v1/me, then register, verify, identify,
// search-by-upload and the five proctor checks on the repository's fixture photos (no dataset needed).
// Run: nice -n 10 npm run bench:rest [-- --calls 20]
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createContainer } from '../src/app/container.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logger.ts';
import { buildApp } from '../src/server/app.ts';

const { values: args } = parseArgs({ options: { calls: { type: 'string', default: '20' } } });
const calls = Number(args.calls);
const photo = (n: string) => readFileSync(new URL(`../test/fixtures/images/${n}`, import.meta.url));
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

const dataDir = mkdtempSync(join(tmpdir(), 'facegate-rest-bench-'));
const container = createContainer(loadConfig({}, { dataDir }), createLogger('silent'));
const app = await buildApp(container, {
  keys: { find: () => undefined, ids: ['AKRESTBENCH000000000'], source: 'config' },
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
await container.get('apps');
const key = (await (await container.get('restKeys')).create({ name: 'bench', dailyQuota: 0 })).key;

async function call(method: string, path: string, body?: Buffer | object): Promise<Record<string, unknown>> {
  const raw = Buffer.isBuffer(body);
  const r = await fetch(url + path, {
    method,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': raw ? 'image/jpeg' : 'application/json' } : {}) },
    body: raw ? new Uint8Array(body) : body ? JSON.stringify(body) : undefined,
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as Record<string, unknown>;
}

async function time(label: string, run: (i: number) => Promise<unknown>): Promise<void> {
  await run(-1);
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await run(i);
    ms.push(performance.now() - t);
  }
  const s = sorted(ms);
  console.log(
    `| ${label} | ${calls} | ${s[Math.floor(calls / 2)]!.toFixed(1)} | ${s[Math.floor(calls * 0.9)]!.toFixed(1)} |`,
  );
}

try {
  console.log(`node ${process.version}, ${cpus().length} cores, ${calls} calls each after one warm-up\n`);
  console.log('| operation | calls | median ms | p90 ms |\n|---|---|---|---|');
  await time('GET /v1/me (auth + quota + schema only)', () => call('GET', '/v1/me'));
  const people = ['photo1.jpeg', 'photo2.jpeg', 'photo3.jpeg', 'grace_hopper_512x512.jpg', 'identity.jpg'];
  for (const p of people) await call('POST', '/v1/people', { name: p, photos: [photo(p).toString('base64')] });
  const dani = photo('dani_640.jpg').toString('base64');
  await time('POST /v1/people (register, 1 photo, 640 px)', (i) =>
    call('POST', '/v1/people', { name: `dani ${i}`, photos: [dani] }),
  );
  const { people: list } = (await call('GET', '/v1/people?q=dani&limit=1')) as { people: { personId: string }[] };
  const probe = photo('dani_1_640.jpg');
  await time('POST /v1/people/:id/verify (raw JPEG)', () =>
    call('POST', `/v1/people/${list[0]!.personId}/verify`, probe),
  );
  await time('POST /v1/identify (raw JPEG)', () => call('POST', '/v1/identify', probe));
  await call('PUT', '/v1/index/dani', photo('dani_640.jpg'));
  await time('POST /v1/search (upload tutorial)', () => call('POST', '/v1/search', probe));
  await call('POST', '/v1/proctor/faces', { image: photo('identity.jpg').toString('base64'), fullName: 'subject' });
  const frame = photo('cellphone.jpg').toString('base64');
  await time('POST /v1/proctor/process (five checks, 1920×1080)', () =>
    call('POST', '/v1/proctor/process', { image: frame }),
  );
  // What the console's webcam sends: a 640 px wide JPEG.
  const webcam = (await sharp(photo('cellphone.jpg')).resize(640).jpeg({ quality: 90 }).toBuffer()).toString('base64');
  await time('POST /v1/proctor/process (five checks, 640×360)', () =>
    call('POST', '/v1/proctor/process', { image: webcam }),
  );
} finally {
  await app.close();
  await container.close();
  rmSync(dataDir, { recursive: true, force: true });
}
