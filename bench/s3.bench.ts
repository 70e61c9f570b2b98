// S3 endpoint benchmark through @aws-sdk/client-s3 on localhost over the local directory object store: PutObject
// and GetObject latency and throughput at a few object sizes, sequential (one client, one request at a time).
// Run: node --import tsx bench/s3.bench.ts [--calls 30]   (bounded: calls × sizes requests; shared machines vary)
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { s3App } from '../src/api/s3/s3.composition.ts';
import { createContainer } from '../src/app/container.ts';
import type { KeyRing } from '../src/auth/access.keys.ts';
import type { CollectionService } from '../src/collections/collection.service.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logger.ts';
import type { FaceEngine } from '../src/vision/vision.types.ts';

const { values: args } = parseArgs({ options: { calls: { type: 'string', default: '30' } } });
const calls = Number(args.calls);
const KEY = { accessKeyId: 'AKFGBENCHKEY00000001', secretAccessKey: 'bench-secret-bench-secret-bench-secret-00' };
const keys: KeyRing = {
  find: (id) => (id === KEY.accessKeyId ? KEY : undefined),
  ids: [KEY.accessKeyId],
  source: 'config',
};

const dataDir = mkdtempSync(join(tmpdir(), 'facegate-s3-bench-'));
const container = createContainer(loadConfig({}, { dataDir }), createLogger('silent'), {
  overrides: { engine: {} as FaceEngine, collections: {} as CollectionService },
});
const app = await s3App(container, keys);
const endpoint = await app.listen({ host: '127.0.0.1', port: 0 });
const s3 = new S3Client({ endpoint, region: 'us-east-1', credentials: KEY, forcePathStyle: true });
await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const rows: string[] = [];
for (const size of [100 * 1024, 1024 * 1024, 8 * 1024 * 1024]) {
  const body = Buffer.alloc(size, 7);
  const put: number[] = [];
  const get: number[] = [];
  for (let i = 0; i < calls; i++) {
    let t = performance.now();
    await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: `o/${size}/${i}`, Body: body }));
    put.push(performance.now() - t);
    t = performance.now();
    const r = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: `o/${size}/${i}` }));
    await r.Body!.transformToByteArray();
    get.push(performance.now() - t);
  }
  const mbps = (xs: number[]) => ((size / 1024 / 1024) * xs.length) / (xs.reduce((a, b) => a + b, 0) / 1000);
  rows.push(
    `| ${size / 1024} KiB | ${pct(put, 0.5).toFixed(1)} / ${pct(put, 0.95).toFixed(1)} | ${mbps(put).toFixed(0)} | ` +
      `${pct(get, 0.5).toFixed(1)} / ${pct(get, 0.95).toFixed(1)} | ${mbps(get).toFixed(0)} |`,
  );
}
process.stdout.write(
  `${calls} calls per size, ${cpus().length} CPUs, node ${process.version}\n` +
    '| object | PutObject p50 / p95 ms | MB/s | GetObject p50 / p95 ms | MB/s |\n|---|---|---|---|---|\n' +
    rows.join('\n') +
    '\n',
);
s3.destroy();
await app.close();
await container.close();
rmSync(dataDir, { recursive: true, force: true });
