// The server-wide budget for large request bodies: past it, requests are refused at once with 429 + Retry-After,
// small requests are never refused, and the budget comes back when responses end (also when the client aborts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { installBodyBudget } from '../../src/server/body.budget.ts';
import { installErrorHandling } from '../../src/server/error.handler.ts';

const MB = 1024 * 1024;

async function app() {
  const f = Fastify({ logger: false });
  installErrorHandling(f);
  const budget = installBodyBudget(f, { maxBytes: 10 * MB, largeFrom: MB, retryAfterSeconds: 2 });
  const gates: (() => void)[] = [];
  const entered: (() => void)[] = [];
  f.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: 20 * MB }, (_r, b, d) =>
    d(null, b),
  );
  f.post('/hold', { bodyLimit: 20 * MB }, async () => {
    entered.shift()?.();
    await new Promise<void>((r) => gates.push(r));
    return { ok: true };
  });
  const url = await f.listen({ host: '127.0.0.1', port: 0 });
  const inside = () => new Promise<void>((r) => entered.push(r));
  return { f, url, budget, gates, inside };
}

const post = (url: string, bytes: number) =>
  fetch(url + '/hold', {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });

describe('body budget', () => {
  test('a large body past the budget gets 429 + Retry-After at once; small bodies pass; the budget comes back', async () => {
    const h = await app();
    try {
      const first = h.inside();
      const a = post(h.url, 6 * MB);
      await first;
      assert.equal(h.budget.used, 6 * MB);
      const refused = await post(h.url, 6 * MB);
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '2');
      assert.equal(((await refused.json()) as { code: string }).code, 'THROTTLED');
      // A small request is not counted and not refused.
      const second = h.inside();
      const small = post(h.url, 1000);
      await second;
      h.gates.splice(0).forEach((g) => g());
      assert.equal((await a).status, 200);
      assert.equal((await small).status, 200);
      assert.equal(h.budget.used, 0);
      const third = h.inside();
      const again = post(h.url, 6 * MB);
      await third;
      h.gates.splice(0).forEach((g) => g());
      assert.equal((await again).status, 200);
    } finally {
      h.gates.splice(0).forEach((g) => g());
      await h.f.close();
    }
  });
});
