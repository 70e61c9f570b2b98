import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertJsonDepth } from '../../src/server/json.depth.ts';
import { FacegateError } from '../../src/errors.ts';

const refuses = (text: string, max?: number) =>
  assert.throws(
    () => assertJsonDepth(text, max),
    (e: unknown) => e instanceof FacegateError && /nested/.test(e.message),
  );

describe('JSON depth limit', () => {
  test('counts objects and arrays, refusing one level past the limit', () => {
    assertJsonDepth('{"a":[{"b":[1]}]}', 4);
    refuses('{"a":[{"b":[[1]]}]}', 4);
    refuses('['.repeat(1_000_000));
  });

  test('brackets inside strings, escaped quotes included, do not count', () => {
    assertJsonDepth(JSON.stringify({ s: '[[[[[[{{{{ \\" "[[[[' }), 2);
    assertJsonDepth(JSON.stringify({ s: 'ends with a backslash \\', t: '[[[[[' }), 2);
    refuses(JSON.stringify({ s: 'x\\"', t: [[[1]]] }), 3);
  });
});
