// The ApiKeyStore contract: every driver (SQLite, Postgres) runs these.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiKeyRow, ApiKeyStore } from '../../../src/api/rest/keys/apikey.port.ts';

const key = (id: string, at: number, o: Partial<ApiKeyRow> = {}): ApiKeyRow => ({
  id,
  name: `key ${id}`,
  role: 'operator',
  collections: null,
  apps: null,
  secretHash: 'ab'.repeat(32),
  dailyQuota: null,
  createdAt: new Date(at),
  revokedAt: null,
  lastUsedAt: null,
  ...o,
});

export function apiKeyStoreContract(
  driver: string,
  open: () => Promise<{ store: ApiKeyStore; close(): Promise<void> }>,
) {
  test(`${driver}: stores, lists newest first, and reads back keys exactly`, async () => {
    const { store, close } = await open();
    try {
      await store.insert(key('aaaaaaaaaaaa', 1000, { role: 'admin', dailyQuota: 5 }));
      await store.insert(key('bbbbbbbbbbbb', 2000));
      assert.deepEqual(
        (await store.list()).map((k) => k.id),
        ['bbbbbbbbbbbb', 'aaaaaaaaaaaa'],
      );
      assert.deepEqual(await store.get('aaaaaaaaaaaa'), key('aaaaaaaaaaaa', 1000, { role: 'admin', dailyQuota: 5 }));
      assert.equal(await store.get('cccccccccccc'), undefined);
    } finally {
      await close();
    }
  });

  test(`${driver}: keeps every role and a key's scope (collections, apps) exactly`, async () => {
    const { store, close } = await open();
    try {
      const scoped = key('aaaaaaaaaaaa', 1000, { role: 'reader', collections: ['people', 'staff'], apps: ['verify'] });
      await store.insert(scoped);
      await store.insert(key('bbbbbbbbbbbb', 2000, { role: 'operator', apps: ['proctor', 'uploads'] }));
      assert.deepEqual(await store.get('aaaaaaaaaaaa'), scoped);
      assert.deepEqual(
        (await store.list()).map((k) => [k.role, k.collections, k.apps]),
        [
          ['operator', null, ['proctor', 'uploads']],
          ['reader', ['people', 'staff'], ['verify']],
        ],
      );
    } finally {
      await close();
    }
  });

  test(`${driver}: revokes once, and counts requests per key and day`, async () => {
    const { store, close } = await open();
    try {
      await store.insert(key('aaaaaaaaaaaa', 1000));
      assert.equal(await store.countRequest('aaaaaaaaaaaa', '2026-01-01', new Date(5000)), 1);
      assert.equal(await store.countRequest('aaaaaaaaaaaa', '2026-01-01', new Date(6000)), 2);
      assert.equal(await store.countRequest('aaaaaaaaaaaa', '2026-01-02', new Date(7000)), 1);
      assert.equal(await store.usage('aaaaaaaaaaaa', '2026-01-01'), 2);
      assert.equal(await store.usage('aaaaaaaaaaaa', '2026-01-03'), 0);
      assert.equal((await store.get('aaaaaaaaaaaa'))?.lastUsedAt?.getTime(), 7000);
      assert.equal(await store.revoke('aaaaaaaaaaaa', new Date(8000)), true);
      assert.equal(await store.revoke('aaaaaaaaaaaa', new Date(9000)), false);
      assert.equal((await store.get('aaaaaaaaaaaa'))?.revokedAt?.getTime(), 8000);
    } finally {
      await close();
    }
  });

  test(`${driver}: concurrent counts are not lost`, async () => {
    const { store, close } = await open();
    try {
      await store.insert(key('aaaaaaaaaaaa', 1000));
      const n = await Promise.all(
        Array.from({ length: 20 }, () => store.countRequest('aaaaaaaaaaaa', 'd', new Date())),
      );
      assert.deepEqual(
        [...n].sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    } finally {
      await close();
    }
  });
}
