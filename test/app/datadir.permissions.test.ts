// The data directory holds face descriptors, photos and personal data: it and everything created in it are
// owner-only (0700 directories, 0600 files), also when it existed before with looser modes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainer } from '../../src/app/container.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';

function modes(dir: string): [string, number][] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((p) => [p, statSync(join(dir, p)).mode & 0o777]);
}

describe('data directory permissions', () => {
  test('the directory is 0700 and the databases written in it are 0600', async () => {
    const root = mkdtempSync(join(tmpdir(), 'facegate-perm-'));
    const dataDir = join(root, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    writeFileSync(join(dataDir, 'old.db'), 'x');
    chmodSync(join(dataDir, 'old.db'), 0o644);
    const container = createContainer(loadConfig({}, { dataDir }), createLogger('silent'));
    try {
      await (await container.get('restKeys')).create({ name: 'k', role: 'admin' });
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      const found = modes(dataDir);
      assert.ok(found.length >= 2, JSON.stringify(found));
      for (const [p, mode] of found) {
        const dir = statSync(join(dataDir, p)).isDirectory();
        assert.equal(mode, dir ? 0o700 : 0o600, `${p} is ${mode.toString(8)}`);
      }
    } finally {
      await container.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
