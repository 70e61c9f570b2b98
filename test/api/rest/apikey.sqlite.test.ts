import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ApiKeyService } from '../../../src/api/rest/keys/apikey.service.ts';
import { sqliteApiKeyStore } from '../../../src/api/rest/keys/apikey.sqlite.ts';
import { openAppsDatabase } from '../../../src/apps/apps.database.ts';

test('counts usage on a second connection and keeps keys, revocations and counts across a reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-keys-db-'));
  try {
    const open = () => {
      const db = openAppsDatabase(dir);
      const counters = openAppsDatabase(dir, 'NORMAL');
      const keys = new ApiKeyService({ store: sqliteApiKeyStore(db, counters), defaultDailyQuota: 3 });
      return { keys, close: () => (counters.close(), db.close()) };
    };
    const a = open();
    const { key: live } = await a.keys.create({ name: 'live' });
    const { key: dead, view } = await a.keys.create({ name: 'dead' });
    await a.keys.authenticate(live);
    await a.keys.authenticate(live);
    await a.keys.revoke(view.id);
    a.close();

    const b = open();
    await assert.rejects(b.keys.authenticate(dead), /invalid or revoked/);
    await b.keys.authenticate(live);
    await assert.rejects(b.keys.authenticate(live), /quota of 3/);
    const listed = await b.keys.list();
    assert.equal(listed.find((k) => k.name === 'live')?.usedToday, 4);
    assert.ok(listed.find((k) => k.name === 'live')?.lastUsedAt);
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
