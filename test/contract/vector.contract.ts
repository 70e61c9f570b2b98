// The VectorIndex contract: every driver (in-memory float32 / int8 today, pgvector later) must pass this suite.
// Scores of quantising drivers may differ slightly from exact cosine: `tolerance` says by how much.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { VectorIndex } from '../../src/collections/vector.port.ts';
import { isFacegateError } from '../../src/errors.ts';

/** Deterministic unit vectors (a small LCG), so failures reproduce. */
export function unitVectors(count: number, dim: number, seed = 1): Float32Array[] {
  let x = seed >>> 0;
  const rnd = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: dim }, rnd);
    const n = Math.hypot(...v);
    return v.map((e) => e / n);
  });
}

const dotOf = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

export function vectorIndexContract(driver: string, make: () => Promise<VectorIndex>, tolerance: number): void {
  describe(`VectorIndex contract: ${driver}`, () => {
    for (const dim of [5, 128, 1024]) {
      test(`search ranks by cosine, best first, with scores within ${tolerance} (dim ${dim})`, async () => {
        const index = await make();
        const vs = unitVectors(300, dim, dim);
        await index.add(
          'c',
          vs.map((vector, i) => ({ id: `f${String(i).padStart(3, '0')}`, vector })),
        );
        const q = vs[7]!;
        const hits = await index.search('c', q, 10);
        assert.equal(hits.length, 10);
        assert.equal(hits[0]!.id, 'f007');
        const exact = vs
          .map((v, i) => ({ id: `f${String(i).padStart(3, '0')}`, s: dotOf(q, v) }))
          .sort((a, b) => b.s - a.s);
        for (const h of hits) {
          const e = exact.find((x) => x.id === h.id)!;
          assert.ok(Math.abs(e.s - h.score) <= tolerance, `${h.id}: ${h.score} vs ${e.s}`);
        }
        for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score >= hits[i]!.score);
      });
    }

    test('equal scores are ordered by id ascending', async () => {
      const index = await make();
      const v = unitVectors(1, 16)[0]!;
      await index.add(
        'c',
        ['b', 'c', 'a', 'd'].map((id) => ({ id, vector: v })),
      );
      assert.deepEqual(
        (await index.search('c', v, 3)).map((h) => h.id),
        ['a', 'b', 'c'],
      );
    });

    test('remove deletes only the given ids; the moved vectors still answer for their own ids', async () => {
      const index = await make();
      const vs = unitVectors(50, 32, 3);
      await index.add(
        'c',
        vs.map((vector, i) => ({ id: `v${i}`, vector })),
      );
      await index.remove('c', ['v0', 'v10', 'v49', 'unknown']);
      assert.equal(await index.size('c'), 47);
      for (const i of [1, 20, 48]) {
        const [top] = await index.search('c', vs[i]!, 1);
        assert.equal(top!.id, `v${i}`);
      }
      assert.equal(await index.get('c', 'v0'), undefined);
      const hits = await index.search('c', vs[0]!, 50);
      assert.ok(!hits.some((h) => ['v0', 'v10', 'v49'].includes(h.id)));
    });

    test('get returns the stored vector (within tolerance)', async () => {
      const index = await make();
      const [v] = unitVectors(1, 64, 9);
      await index.add('c', [{ id: 'x', vector: v! }]);
      const got = (await index.get('c', 'x'))!;
      assert.ok(Math.abs(dotOf(got, v!) - 1) <= tolerance);
    });

    test('collections are isolated and can be dropped', async () => {
      const index = await make();
      const vs = unitVectors(4, 8, 5);
      await index.add('a', [{ id: '1', vector: vs[0]! }]);
      await index.add('b', [{ id: '2', vector: vs[1]! }]);
      assert.deepEqual(
        (await index.search('a', vs[1]!, 10)).map((h) => h.id),
        ['1'],
      );
      await index.dropCollection('a');
      assert.equal(await index.size('a'), 0);
      assert.deepEqual(await index.search('a', vs[0]!, 10), []);
      assert.equal(await index.size('b'), 1);
    });

    test('the accept filter removes ids before ranking', async () => {
      const index = await make();
      const vs = unitVectors(20, 8, 11);
      await index.add(
        'c',
        vs.map((vector, i) => ({ id: String(i), vector })),
      );
      const hits = await index.search('c', vs[4]!, 3, (id) => Number(id) % 2 === 1);
      assert.equal(hits.length, 3);
      assert.ok(hits.every((h) => Number(h.id) % 2 === 1));
    });

    test('re-adding an id replaces its vector', async () => {
      const index = await make();
      const [a, b] = unitVectors(2, 16, 13);
      await index.add('c', [{ id: 'x', vector: a! }]);
      await index.add('c', [{ id: 'x', vector: b! }]);
      assert.equal(await index.size('c'), 1);
      assert.ok((await index.search('c', b!, 1))[0]!.score > 1 - tolerance - 1e-6);
    });

    test('a vector of another length is refused with INVALID_PARAMETER', async () => {
      const index = await make();
      await index.add('c', [{ id: 'x', vector: unitVectors(1, 16)[0]! }]);
      await assert.rejects(
        () => index.add('c', [{ id: 'y', vector: unitVectors(1, 8)[0]! }]),
        (e: unknown) => isFacegateError(e) && e.code === 'INVALID_PARAMETER',
      );
      await assert.rejects(
        () => index.search('c', unitVectors(1, 8)[0]!, 1),
        (e: unknown) => isFacegateError(e) && e.code === 'INVALID_PARAMETER',
      );
    });

    test('thousands of adds and removes keep size and search consistent (growth past the initial capacity)', async () => {
      const index = await make();
      const vs = unitVectors(2000, 24, 17);
      await index.add(
        'c',
        vs.map((vector, i) => ({ id: `v${i}`, vector })),
      );
      await index.remove(
        'c',
        vs.map((_, i) => `v${i}`).filter((_, i) => i % 3 === 0),
      );
      assert.equal(await index.size('c'), 2000 - 667);
      for (const i of [1, 500, 1999]) assert.equal((await index.search('c', vs[i]!, 1))[0]!.id, `v${i}`);
      assert.equal((await index.search('c', vs[3]!, 1))[0]!.id === 'v3', false);
    });
  });
}
