import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryVectorIndex } from '../../src/collections/memory.vector.driver.ts';
import { unitVectors, vectorIndexContract } from './vector.contract.ts';

vectorIndexContract('in-memory float32', async () => new MemoryVectorIndex(), 1e-5);
// Per-vector int8 with an int16 query: the scan's error on a cosine stays well under 0.02.
vectorIndexContract('in-memory int8', async () => new MemoryVectorIndex({ quantize: true }), 0.02);

test('in-memory index: reserve makes exact room, then adds beyond it still work', async () => {
  const index = new MemoryVectorIndex({ quantize: true });
  await index.reserve('c', 32, 1000);
  const before = index.bytes('c');
  const vs = unitVectors(1001, 32, 21);
  await index.add(
    'c',
    vs.slice(0, 1000).map((vector, i) => ({ id: `v${i}`, vector })),
  );
  assert.equal(index.bytes('c'), before, 'no growth while within the reservation');
  await index.add('c', [{ id: 'v1000', vector: vs[1000]! }]);
  assert.equal(await index.size('c'), 1001);
  assert.equal((await index.search('c', vs[1000]!, 1))[0]!.id, 'v1000');
  assert.equal((await index.search('c', vs[3]!, 1))[0]!.id, 'v3');
});
