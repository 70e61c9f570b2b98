// The daily quota counts served requests only: requests refused by the rate limiter do not use it up.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { harness } from './rest.harness.ts';

describe('quota and rate limit', () => {
  test('a key with quota 3 throttled nine times still gets its three requests', async () => {
    const h = await harness({ defaultDailyQuota: 3, ratePerSecond: 1, burst: 1 });
    try {
      const get = () => h.app.inject({ method: 'GET', url: '/v1/keys/me', headers: { 'x-api-key': h.user } });
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await get()).statusCode);
      assert.equal(statuses.filter((s) => s === 429).length, 9, statuses.join(','));
      for (let served = 1; served < 3; served++) {
        h.clock.ms += 1000; // one token refills
        const r = await get();
        assert.notEqual(r.statusCode, 429, `request ${served + 1}: ${r.body}`);
      }
      h.clock.ms += 1000;
      const fourth = await get();
      assert.equal(fourth.statusCode, 429);
      assert.equal(fourth.json().code, 'QUOTA_EXCEEDED');
    } finally {
      await h.close();
    }
  });
});
