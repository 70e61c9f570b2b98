import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configurationMarkdown } from '../../src/config/config.doc.ts';

test('docs/configuration.md lists every setting the server reads, with its default (node scripts/config-doc.mjs)', () => {
  const doc = readFileSync('docs/configuration.md', 'utf8');
  assert.equal(doc, configurationMarkdown(), 'docs/configuration.md is stale: run node scripts/config-doc.mjs');
  assert.match(doc, /\| `FACEGATE_DATABASE_URL` \|/);
});
