// `facegate audit verify` on the embedded store: exit 0 on an intact chain, 1 naming the entry after tampering.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config/config.ts';
import { draftOf } from '../../src/governance/audit.scope.ts';
import { openGovernance } from '../../src/governance/governance.factory.ts';

test('facegate audit verify reports an intact chain, then the altered entry', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fg-audit-cli-'));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/facegate.js', 'audit', ...args], {
      encoding: 'utf8',
      env: { ...process.env, FACEGATE_DATA_DIR: dataDir, FACEGATE_LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
  try {
    const g = await openGovernance(loadConfig({}, { dataDir }), dataDir);
    const caller = {
      api: 'cli' as const,
      operation: 'IndexFaces',
      actorKind: 'system',
      actorId: 'test',
      address: null,
    };
    for (let i = 0; i < 3; i++) await g.value.audit.record(draftOf(caller, { faceIds: [`f${i}`] }, 'ok', []));
    await g.close();
    const ok = cli('verify', '--json');
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { ok: true, checked: 3, anchor: null });
    const db = new Database(join(dataDir, 'facegate.db'));
    db.exec(`DROP TRIGGER audit_log_chained_columns; UPDATE audit_log SET actor_id = 'someone else' WHERE seq = 2`);
    db.close();
    const bad = cli('verify');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /BROKEN at entry 2: entry 2 was altered/);
    const exported = cli('export').stdout.trim().split('\n');
    assert.equal(exported.length, 3);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('with FACEGATE_GOVERNANCE_DATABASE_URL the audit log and consent live in Postgres, and the CLI verifies it', async () => {
  const { freshPgSchema } = await import('../helpers/services.ts');
  const pg = await freshPgSchema('gov');
  const dataDir = mkdtempSync(join(tmpdir(), 'fg-audit-pg-'));
  const env = { FACEGATE_GOVERNANCE_DATABASE_URL: pg.url, FACEGATE_GOVERNANCE_DATABASE_SCHEMA: pg.schema };
  try {
    const g = await openGovernance(loadConfig(env, { dataDir }), dataDir);
    const caller = { api: 'rest' as const, operation: 'identify', actorKind: 'key', actorId: 'k', address: null };
    await g.value.audit.record(draftOf(caller, { personIds: ['p1'] }, 'ok', []));
    await g.value.consent.give(
      'people',
      'p1',
      { purpose: 'x', method: 'written', givenBy: 'p', textVersion: '1' },
      null,
    );
    await g.close();
    const { rows } = await pg.pool.query(`SELECT operation FROM "${pg.schema}".audit_log`);
    assert.deepEqual(rows, [{ operation: 'identify' }]);
    const ok = spawnSync(process.execPath, ['bin/facegate.js', 'audit', 'verify', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, ...env, FACEGATE_DATA_DIR: dataDir, FACEGATE_LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).checked, 1);
  } finally {
    await pg.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
