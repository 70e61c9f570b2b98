import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopK } from '../../../src/collections/topk.ts';

test('TopK keeps the k best, best first, equal scores by id', () => {
  const top = new TopK(3);
  const items = [
    { id: 'e', score: 0.1 },
    { id: 'b', score: 0.9 },
    { id: 'c', score: 0.5 },
    { id: 'a', score: 0.5 },
    { id: 'd', score: 0.7 },
  ];
  for (const i of items) top.push(i);
  assert.deepEqual(
    top.sorted().map((i) => i.id),
    ['b', 'd', 'a'],
  );
  assert.equal(top.floor, 0.5);
});

test('TopK agrees with a full sort on pseudo-random input', () => {
  let x = 12345;
  const items = Array.from({ length: 500 }, (_, i) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return { id: `id${i}`, score: Math.round((x / 2 ** 32) * 50) / 50 };
  });
  const top = new TopK(25);
  for (const i of items) top.push(i);
  const expected = [...items].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, 25);
  assert.deepEqual(top.sorted(), expected);
  assert.deepEqual(new TopK(0).sorted(), []);
});
