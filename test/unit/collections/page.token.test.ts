import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageTokens } from '../../../src/collections/page.token.ts';
import { isFacegateError } from '../../../src/errors.ts';

const invalid = (e: unknown) => isFacegateError(e) && e.code === 'INVALID_PAGINATION_TOKEN';

test('a page token round-trips its key within its scope', () => {
  const t = new PageTokens(new Uint8Array(32).fill(7));
  assert.equal(t.read('ListFaces:c', t.issue('ListFaces:c', 'face-9')), 'face-9');
});

test('a page token is refused in another scope, under another key, or altered', () => {
  const t = new PageTokens(new Uint8Array(32).fill(7));
  const token = t.issue('ListFaces:c', 'face-9');
  assert.throws(() => t.read('ListFaces:other', token), invalid);
  assert.throws(() => new PageTokens(new Uint8Array(32).fill(8)).read('ListFaces:c', token), invalid);
  const [body, sig] = token.split('.') as [string, string];
  const flipped = sig.startsWith('A') ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
  assert.throws(() => t.read('ListFaces:c', `${body}.${flipped}`), invalid);
  assert.throws(() => t.read('ListFaces:c', ''), invalid);
  assert.throws(() => t.read('ListFaces:c', `${token}.x`), invalid);
});

test('a token for a listing filtered by 4,096 face ids stays short', () => {
  const t = new PageTokens(new Uint8Array(32));
  const scope = `ListFaces:c::${Array.from({ length: 4096 }, () => '00000000-0000-4000-8000-000000000000').join(',')}`;
  const token = t.issue(scope, '00000000-0000-4000-8000-000000000000');
  assert.ok(token.length < 200, `${token.length} characters`);
  assert.equal(t.read(scope, token), '00000000-0000-4000-8000-000000000000');
});
