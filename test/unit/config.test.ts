import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../src/config/config.ts';

test('config has safe defaults: port 8080, ./data, auth on, 5 MB inline images', () => {
  const c = loadConfig({});
  assert.equal(c.server.port, 8080);
  assert.equal(c.dataDir, './data');
  assert.equal(c.auth.disabled, false);
  assert.equal(c.images.maxInlineBytes, 5 * 1024 * 1024);
  assert.ok(Object.isFrozen(c.images));
});

test('config names every invalid variable at once', () => {
  assert.throws(
    () => loadConfig({ FACEGATE_PORT: 'eighty', FACEGATE_THREADS: '-1' }),
    (e: unknown) => e instanceof ConfigError && e.problems.length === 2 && e.message.includes('FACEGATE_PORT'),
  );
});

test('FACEGATE_IDENTIFY_THRESHOLD takes a number or auto, and is unset by default', () => {
  assert.equal(loadConfig({}).apps.identifyThreshold, undefined);
  assert.equal(loadConfig({ FACEGATE_IDENTIFY_THRESHOLD: 'auto' }).apps.identifyThreshold, 'auto');
  assert.equal(loadConfig({ FACEGATE_IDENTIFY_THRESHOLD: '87.5' }).apps.identifyThreshold, 87.5);
  assert.throws(() => loadConfig({ FACEGATE_IDENTIFY_THRESHOLD: 'strict' }), ConfigError);
  assert.throws(() => loadConfig({ FACEGATE_IDENTIFY_THRESHOLD: '101' }), ConfigError);
});
