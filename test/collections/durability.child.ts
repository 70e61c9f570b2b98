// Child process of durability.test.ts: indexes faces in a loop on the real embedded store (SQLite, synchronous
// FULL) and prints one JSON line per acknowledged IndexFaces call. The parent kills it with SIGKILL mid-stream.
import { openCollections } from '../../src/collections/collection.factory.ts';
import { FakeEngine, fakeImage } from './fake.engine.ts';

const dataDir = process.argv[2]!;
const opened = await openCollections({
  config: { dataDir, collections: { synchronous: 'FULL', vectorFormat: 'int8' } },
  engine: new FakeEngine(),
});
const { service } = opened;
await service.createCollection({ collectionId: 'd' }).catch(() => undefined);
for (let seq = 0; ; seq++) {
  const n = 1 + (seq % 3);
  const faces = Array.from({ length: n }, (_, i) => ({ person: `p${process.pid}-${seq}-${i}`, px: 100 + i }));
  const r = await service.indexFaces({
    collectionId: 'd',
    image: { bytes: fakeImage(faces) },
    externalImageId: `n${n}-s${seq}`,
    qualityFilter: 'NONE',
  });
  process.stdout.write(JSON.stringify({ seq, faceIds: r.faceRecords.map((f) => f.face.faceId) }) + '\n');
}
