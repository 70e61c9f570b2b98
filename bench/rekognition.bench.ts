// Rekognition API benchmark: latency through the real AWS SDK over HTTP on localhost.
//  1. protocol overhead: SigV4 verification + JSON + dispatch + mapping, with a stub engine that answers at once;
//  2. the real engine and store: DetectFaces, DetectFaces ALL, CompareFaces, IndexFaces, SearchFacesByImage on
//     the repository's fixture photos (no dataset needed).
// Run: npm run bench:rekognition [-- --calls 20]   (heavy: run with `nice -n 10` on a shared machine)
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CompareFacesCommand,
  CreateCollectionCommand,
  DetectFacesCommand,
  IndexFacesCommand,
  ListCollectionsCommand,
  RekognitionClient,
  SearchFacesByImageCommand,
} from '@aws-sdk/client-rekognition';
import { createContainer, type ContainerOptions } from '../src/app/container.ts';
import type { KeyRing } from '../src/auth/access.keys.ts';
import type { CollectionService } from '../src/collections/collection.service.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logger.ts';
import { buildApp } from '../src/server/app.ts';
import type { FaceEngine } from '../src/vision/vision.types.ts';

const { values: args } = parseArgs({ options: { calls: { type: 'string', default: '20' } } });
const calls = Number(args.calls);
const KEY = { accessKeyId: 'AKFGBENCHKEY00000001', secretAccessKey: 'bench-secret-bench-secret-bench-secret-00' };
const keys: KeyRing = {
  find: (id) => (id === KEY.accessKeyId ? KEY : undefined),
  ids: [KEY.accessKeyId],
  source: 'config',
};
const FIXTURES = new URL('../test/fixtures/images/', import.meta.url);
const image = async (name: string) => ({ Bytes: new Uint8Array(await readFile(new URL(name, FIXTURES))) });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

async function time(label: string, n: number, run: () => Promise<unknown>): Promise<void> {
  await run(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  console.log(`| ${label} | ${n} | ${median(ms).toFixed(1)} | ${p90(ms).toFixed(1)} |`);
}

async function server(options: ContainerOptions) {
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-bench-'));
  const config = loadConfig({}, { dataDir });
  const container = createContainer(config, createLogger('silent'), options);
  const app = await buildApp(container, { keys });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const client = new RekognitionClient({ endpoint: url, region: 'us-east-1', credentials: KEY, maxAttempts: 1 });
  return {
    container,
    client,
    close: async () => {
      client.destroy();
      await app.close();
      await container.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const stubEngine = {
  faceModelVersion: 'stub',
  descriptorSize: 4,
  analyze: async () => ({ image: { width: 1, height: 1, format: 'png', orientation: 1 }, faces: [] }),
  close: async () => undefined,
} as unknown as FaceEngine;
const stubCollections = {
  listCollections: async () => ({ collectionIds: [], faceModelVersions: [] }),
} as unknown as CollectionService;

console.log(`# Rekognition API latency (ms, through @aws-sdk/client-rekognition over HTTP; ${cpus().length} cores)\n`);
console.log('| call | n | median | p90 |\n|---|---|---|---|');
{
  const s = await server({ overrides: { engine: stubEngine, collections: stubCollections } });
  const tiny = { Bytes: new Uint8Array(64) };
  await time('protocol only: ListCollections (stub service)', calls * 10, () =>
    s.client.send(new ListCollectionsCommand({})),
  );
  await time('protocol only: DetectFaces 64 B (stub engine)', calls * 10, () =>
    s.client.send(new DetectFacesCommand({ Image: tiny })),
  );
  const big = { Bytes: new Uint8Array(4 * 1024 * 1024) };
  await time('protocol only: DetectFaces 4 MB body (stub engine)', calls, () =>
    s.client.send(new DetectFacesCommand({ Image: big })),
  );
  await s.close();
}
{
  const s = await server({});
  const t0 = performance.now();
  await s.container.get('engine');
  const loadMs = performance.now() - t0;
  const [identity, screen, grace] = await Promise.all([
    image('identity.jpg'),
    image('looking_at_screen.jpg'),
    image('grace_hopper_512x512.jpg'),
  ]);
  await time('DetectFaces identity.jpg (DEFAULT)', calls, () =>
    s.client.send(new DetectFacesCommand({ Image: identity })),
  );
  await time('DetectFaces identity.jpg (ALL)', calls, () =>
    s.client.send(new DetectFacesCommand({ Image: identity, Attributes: ['ALL'] })),
  );
  await time('CompareFaces identity vs looking_at_screen', calls, () =>
    s.client.send(new CompareFacesCommand({ SourceImage: identity, TargetImage: screen })),
  );
  await s.client.send(new CreateCollectionCommand({ CollectionId: 'bench' }));
  await time('IndexFaces grace_hopper', calls, () =>
    s.client.send(new IndexFacesCommand({ CollectionId: 'bench', Image: grace })),
  );
  await time('SearchFacesByImage looking_at_screen', calls, () =>
    s.client.send(new SearchFacesByImageCommand({ CollectionId: 'bench', Image: screen })),
  );
  console.log(`\nengine load + warm-up (models from the cache): ${loadMs.toFixed(0)} ms`);
  await s.close();
}
