// A pipeline worker process for the crash test. Real SQLite queue, run store, collections (the CollectionService on
// a deterministic fake engine) and local object store. Modes:
//   start <dataDir> — upload one photo, then work; after IndexFaces has committed, print INDEXED and freeze (the
//                    parent SIGKILLs us there: the face exists but the step never completed).
//   resume <dataDir> <runId> — work until that run ends, print its final state as JSON, exit.
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openCollections } from '../../src/collections/collection.factory.ts';
import { openPipeline } from '../../src/apps/pipeline/pipeline.factory.ts';
import { EnginePipelineFaces } from '../../src/apps/pipeline/faces.adapter.ts';
import { FakeEngine, fakeImage } from '../collections/fake.engine.ts';
import { FakeThumbnailer } from './fakes.ts';

const [mode, dataDir, runId] = process.argv.slice(2);
const config = loadConfig({
  FACEGATE_DATA_DIR: dataDir!,
  FACEGATE_JOBS_POLL_MS: '20',
  FACEGATE_JOBS_LEASE_MS: '1000',
  FACEGATE_JOBS_BACKOFF_MS: '10',
});
const logger = createLogger('silent');
const engine = new FakeEngine();
const collections = await openCollections({ config, engine, logger });
const faces = new EnginePipelineFaces({
  engine: () => Promise.resolve(engine),
  collections: () => Promise.resolve(collections.service),
});
if (mode === 'start') {
  const index = faces.index.bind(faces);
  faces.index = async (...args) => {
    const face = await index(...args);
    process.stdout.write(`INDEXED ${face.faceId}\n`);
    return new Promise<never>(() => {}); // frozen until SIGKILL
  };
}
const pipeline = await openPipeline({
  config,
  logger,
  faces,
  objects: collections.objects,
  thumbnails: new FakeThumbnailer(),
});
if (mode === 'start') {
  const run = await pipeline.service.upload('default', fakeImage([{ person: 'grace' }]), { userId: 'grace' });
  process.stdout.write(`RUN ${run.id}\n`);
} else {
  const run = await pipeline.engine.waitForRun(runId!);
  const list = await collections.service.listFaces({ collectionId: 'pipeline' });
  const events = await pipeline.outbox.list({ runId: runId! });
  process.stdout.write(`DONE ${JSON.stringify({ run, faces: list.faces, events: events.map((e) => e.type) })}\n`);
  await pipeline.close();
  await collections.close();
}
