// Collections benchmark: SearchFaces latency at 10k and 100k faces (float32 vs int8 index), recall of int8 against
// the exact float ranking, memory per face, and the IndexFaces store path without a model (SQLite FULL vs NORMAL).
// Synthetic unit descriptors (default 1024-d, faceres' size), so no dataset is needed.
// Run: npm run bench:collections [-- --dim 1024 --sizes 10000,100000 --calls 500]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadIndex } from '../src/collections/collection.factory.ts';
import { CollectionService } from '../src/collections/collection.service.ts';
import { MemoryVectorIndex } from '../src/collections/memory.vector.driver.ts';
import type { FaceRow } from '../src/collections/metadata.port.ts';
import { SqliteMetadataStore } from '../src/collections/sqlite.metadata.driver.ts';
import { LocalObjectStore } from '../src/storage/local.object-store.driver.ts';
import { imageOf, percentile, SyntheticEngine, SyntheticFaces } from './collections.data.ts';

const { values: args } = parseArgs({
  options: {
    worker: { type: 'string' },
    dim: { type: 'string', default: '1024' },
    sizes: { type: 'string', default: '10000,100000' },
    calls: { type: 'string', default: '500' },
  },
});
const dim = Number(args.dim);
const sizes = args.sizes.split(',').map(Number);
const faceIdOf = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const rss = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
};

function service(metadata: SqliteMetadataStore, vectors: MemoryVectorIndex, engine: SyntheticEngine, dir: string) {
  let n = 0;
  return new CollectionService({
    metadata,
    vectors,
    objects: new LocalObjectStore(join(dir, 'objects')),
    engine,
    clock: { now: () => new Date() },
    ids: { uuid: () => faceIdOf(0x800000000 + n++) },
    tokenKey: new Uint8Array(32),
  });
}

interface SizeResult {
  faces: number;
  p50: number;
  p95: number;
  rawP50: number;
  bytesPerFace: number;
  rssPerFace: number;
  loadMs?: number;
  loadedBytesPerFace?: number;
  recall10?: number;
}

/** One index format in a fresh process, so that its RSS is its own. */
async function worker(format: 'float32' | 'int8'): Promise<SizeResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'facegate-bench-'));
  const faces = new SyntheticFaces(dim, Math.max(...sizes) / 10);
  const engine = new SyntheticEngine(faces);
  const metadata = new SqliteMetadataStore({ path: join(dir, 'facegate.db'), synchronous: 'NORMAL' });
  const vectors = new MemoryVectorIndex({ quantize: format === 'int8' });
  const svc = service(metadata, vectors, engine, dir);
  await svc.createCollection({ collectionId: 'bench' });
  const out: SizeResult[] = [];
  const base = rss();
  const heapBase = process.memoryUsage().heapUsed;
  let added = 0;
  for (const size of sizes) {
    while (added < size) {
      const batch: FaceRow[] = [];
      for (let i = added; i < Math.min(size, added + 1000); i++) {
        batch.push({
          id: faceIdOf(i),
          collectionId: 'bench',
          imageId: faceIdOf(i),
          externalImageId: null,
          box: { left: 0, top: 0, width: 1, height: 1 },
          confidence: 99,
          quality: { brightness: 50, sharpness: 50 },
          pose: { roll: 0, yaw: 0, pitch: 0 },
          modelVersion: engine.faceModelVersion,
          userId: null,
          createdAt: new Date(),
          descriptor: faces.face(i),
        });
      }
      await metadata.insertFaces(batch);
      await vectors.add(
        'bench',
        batch.map((f) => ({ id: f.id, vector: f.descriptor })),
      );
      added += batch.length;
    }
    const rssPerFace = (rss() - base) / size;
    // Live memory: the index's typed arrays (capacity, i.e. up to 2× the count) + JS objects (ids, id → slot map).
    const bytesPerFace = (vectors.bytes('bench') + process.memoryUsage().heapUsed - heapBase) / size;
    const times: number[] = [];
    const raw: number[] = [];
    const warmUp = 5;
    const queries = size > 20_000 ? 40 : 80;
    for (let q = -warmUp; q < queries; q++) {
      if (q < 0) {
        await svc.searchFaces({ collectionId: 'bench', faceId: faceIdOf(size - 1 + q), maxFaces: 100 });
        continue;
      }
      const faceId = faceIdOf((q * 7919) % size);
      const t0 = performance.now();
      await svc.searchFaces({ collectionId: 'bench', faceId, maxFaces: 100 });
      times.push(performance.now() - t0);
      const probe = faces.face(size + q);
      const t1 = performance.now();
      await vectors.search('bench', probe, 100);
      raw.push(performance.now() - t1);
    }
    times.sort((a, b) => a - b);
    raw.sort((a, b) => a - b);
    out.push({
      faces: size,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      rawP50: percentile(raw, 50),
      bytesPerFace,
      rssPerFace,
    });
  }
  // A restart: the index rebuilt from SQLite with exact reservation (no doubling slack).
  const last = out[out.length - 1]!;
  const fresh = new MemoryVectorIndex({ quantize: format === 'int8' });
  rss(); // collects garbage first, so the heap delta is the new index's
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  await loadIndex(metadata, fresh);
  last.loadMs = performance.now() - t0;
  (globalThis as { gc?: () => void }).gc?.();
  last.loadedBytesPerFace = (fresh.bytes('bench') + process.memoryUsage().heapUsed - heap0) / added;
  await fresh.dropCollection('bench');
  if (format === 'int8') last.recall10 = await recallAgainstFloat(vectors, faces, added);
  await metadata.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

/** Mean overlap of the int8 top-10 with the exact float32 top-10, over fresh probes of indexed identities. */
async function recallAgainstFloat(int8: MemoryVectorIndex, faces: SyntheticFaces, n: number): Promise<number> {
  const exact = new MemoryVectorIndex();
  for (let i = 0; i < n; i += 1000) {
    const items = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) items.push({ id: faceIdOf(j), vector: faces.face(j) });
    await exact.add('bench', items);
  }
  let hit = 0;
  const probes = 100;
  for (let q = 0; q < probes; q++) {
    const probe = faces.face(n + 1000 + q);
    const want = new Set((await exact.search('bench', probe, 10)).map((h) => h.id));
    hit += (await int8.search('bench', probe, 10)).filter((h) => want.has(h.id)).length;
  }
  return hit / (probes * 10);
}

/** Sequential IndexFaces calls (one face each, one transaction each) through the service, model excluded. */
async function storeThroughput(synchronous: 'FULL' | 'NORMAL', calls: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'facegate-bench-'));
  const faces = new SyntheticFaces(dim, 100);
  const metadata = new SqliteMetadataStore({ path: join(dir, 'facegate.db'), synchronous });
  const svc = service(metadata, new MemoryVectorIndex({ quantize: true }), new SyntheticEngine(faces), dir);
  await svc.createCollection({ collectionId: 'bench' });
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) {
    await svc.indexFaces({ collectionId: 'bench', image: { bytes: imageOf(i) }, qualityFilter: 'NONE' });
  }
  const perSecond = calls / ((performance.now() - t0) / 1000);
  await metadata.close();
  rmSync(dir, { recursive: true, force: true });
  return perSecond;
}

if (args.worker === 'float32' || args.worker === 'int8') {
  process.stdout.write(JSON.stringify(await worker(args.worker)) + '\n');
} else {
  const self = fileURLToPath(import.meta.url);
  console.log(`# Collections benchmark — ${new Date().toISOString()}, ${cpus().length}× ${cpus()[0]?.model ?? '?'},`);
  console.log(`# ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${dim}-d synthetic descriptors\n`);
  console.log(
    '| index | faces | SearchFaces p50 | p95 | index scan p50 | live bytes per face | RSS per face | int8 recall@10 |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const loads: (SizeResult & { format: string })[] = [];
  for (const format of ['float32', 'int8'] as const) {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--expose-gc', self, '--worker', format, '--dim', String(dim), '--sizes', args.sizes],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    if (r.status !== 0) throw new Error(`worker ${format} failed: ${r.stderr}`);
    const results = JSON.parse(r.stdout) as SizeResult[];
    loads.push({ format, ...results[results.length - 1]! });
    for (const s of results) {
      const recall = s.recall10 === undefined ? '' : s.recall10.toFixed(3);
      console.log(
        `| ${format} | ${s.faces} | ${s.p50.toFixed(1)} ms | ${s.p95.toFixed(1)} ms | ${s.rawP50.toFixed(1)} ms | ` +
          `${Math.round(s.bytesPerFace)} B | ${Math.round(s.rssPerFace)} B | ${recall} |`,
      );
    }
  }
  console.log('\n| index | faces | load from SQLite at start | live bytes per face after load |\n|---|---|---|---|');
  for (const l of loads) {
    console.log(
      `| ${l.format} | ${l.faces} | ${(l.loadMs ?? 0).toFixed(0)} ms | ${Math.round(l.loadedBytesPerFace ?? 0)} B |`,
    );
  }
  const calls = Number(args.calls);
  console.log('\n| IndexFaces store path (no model), sequential | calls/s |\n|---|---|');
  for (const sync of ['FULL', 'NORMAL'] as const) {
    console.log(`| SQLite synchronous=${sync} | ${(await storeThroughput(sync, calls)).toFixed(0)} |`);
  }
}
