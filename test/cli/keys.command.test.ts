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

test('facegate keys create takes a role and a scope, keeps --admin as a shortcut, and refuses unknown ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-keys-roles-'));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/facegate.js', 'keys', ...args], {
      encoding: 'utf8',
      env: { ...process.env, FACEGATE_DATA_DIR: dir, FACEGATE_LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
  try {
    const reader = run(
      'create',
      '-n',
      'kiosk',
      '--role',
      'reader',
      '--collections',
      'people, staff',
      '--apps',
      'verify',
    );
    assert.equal(reader.status, 0, reader.stderr);
    const view = (JSON.parse(run('list', '--json').stdout) as Record<string, unknown>[])[0];
    assert.deepEqual([view?.role, view?.collections, view?.apps], ['reader', ['people', 'staff'], ['verify']]);
    assert.match(reader.stdout, /role reader, collections people,staff, apps verify/);
    const admin = JSON.parse(run('create', '-n', 'ops', '--admin', '--json').stdout) as { apiKey: { role: string } };
    assert.equal(admin.apiKey.role, 'admin');
    const plain = JSON.parse(run('create', '-n', 'app', '--json').stdout) as { apiKey: { role: string } };
    assert.equal(plain.apiKey.role, 'operator', 'the default is what keys could do before roles');
    const legacy = JSON.parse(run('create', '-n', 'old', '--role', 'user', '--json').stdout) as {
      apiKey: { role: string };
    };
    assert.equal(legacy.apiKey.role, 'operator');
    const badRole = run('create', '-n', 'x', '--role', 'root');
    assert.notEqual(badRole.status, 0);
    assert.match(badRole.stderr, /--role must be one of admin, operator, reader/);
    const badApp = run('create', '-n', 'x', '--apps', 'verify,mail');
    assert.notEqual(badApp.status, 0);
    assert.match(badApp.stderr, /unknown app mail/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
