import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const dataDir = mkdtempSync(join(tmpdir(), 'fg-keys-'));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/facegate.js', 'keys', ...args], {
    encoding: 'utf8',
    env: { ...process.env, FACEGATE_DATA_DIR: dataDir, FACEGATE_LOG_LEVEL: 'silent' },
    timeout: 60_000,
  });

test('facegate keys creates a key shown once, lists it with its quota, and revokes it', () => {
  try {
    const created = cli('create', '--name', 'kiosk', '--quota', '50', '--json');
    assert.equal(created.status, 0, created.stderr);
    const { key, apiKey } = JSON.parse(created.stdout) as { key: string; apiKey: { id: string; dailyQuota: number } };
    assert.match(key, /^fgk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal(apiKey.dailyQuota, 50);
    const listed = cli('list', '--json');
    const list = JSON.parse(listed.stdout) as { id: string; revokedAt: string | null }[];
    assert.deepEqual(
      list.map((k) => k.id),
      [apiKey.id],
    );
    assert.ok(!listed.stdout.includes(key.slice(17)), 'the secret is never listed');
    assert.equal(cli('revoke', apiKey.id).status, 0);
    const after = JSON.parse(cli('list', '--json').stdout) as { revokedAt: string | null }[];
    assert.ok(after[0]?.revokedAt);
    const again = cli('revoke', apiKey.id);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /No active API key/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
