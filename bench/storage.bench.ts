// Storage costs on the embedded database (one shared SQLite file, synchronous FULL): registering a person (two
// photos, one transaction for person + photo rows + faces) and deleting one with and without the WAL erase
// (checkpoint TRUNCATE after the delete). Fake engine, real SQLite and local object store. Bounded: 40 people.
//   node --import tsx bench/storage.bench.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeImage } from '../test/collections/fake.engine.ts';
import { openRegistrationStack } from '../test/apps/registration.stack.ts';

const N = 40;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!.toFixed(2);

const dir = await mkdtemp(join(tmpdir(), 'fg-storage-bench-'));
try {
  const s = await openRegistrationStack(dir);
  const reg: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < N * 2; i++) {
    const t = performance.now();
    const p = await s.verify.register({ name: `P${i}`, email: `p${i}@x` }, [
      fakeImage([{ person: `p${i}`, variant: 1, px: 300 }]),
      fakeImage([{ person: `p${i}`, variant: 2, px: 300 }]),
    ]);
    reg.push(performance.now() - t);
    ids.push(p.personId);
  }
  const erase: number[] = [];
  for (const id of ids.slice(0, N)) {
    const t = performance.now();
    await s.verify.delete(id);
    erase.push(performance.now() - t);
  }
  // The same rows deleted in one unit without the erase, for comparison.
  const plain: number[] = [];
  for (const id of ids.slice(N)) {
    const p = await s.verify.get(id);
    const t = performance.now();
    await s.collections.service.deleteFacesWith(
      'people',
      p.photos.map((ph) => ph.faceId),
      [s.people.stageDelete(id)],
      false,
    );
    plain.push(performance.now() - t);
  }
  console.log(`register (2 photos, objects + one transaction): p50 ${pct(reg, 0.5)} ms, p95 ${pct(reg, 0.95)} ms`);
  console.log(
    `delete with erase (rows + WAL TRUNCATE + objects): p50 ${pct(erase, 0.5)} ms, p95 ${pct(erase, 0.95)} ms`,
  );
  console.log(`delete rows only, no erase: p50 ${pct(plain, 0.5)} ms, p95 ${pct(plain, 0.95)} ms`);
  await s.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
