// The base64 rules both APIs share: strict alphabet, size refused from the text before decoding.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeStrictBase64 } from '../../src/api/image.base64.ts';
import { FacegateError } from '../../src/errors.ts';

const rules = (urlSafe = false) => ({
  urlSafe,
  invalid: () => new FacegateError('INVALID_PARAMETER', 'bad'),
  tooLarge: (size: number) => new FacegateError('IMAGE_TOO_LARGE', `size ${size}`),
});

describe('strict base64', () => {
  test('decodes standard base64 and, when allowed, the URL-safe alphabet', () => {
    assert.deepEqual([...decodeStrictBase64('/+8=', 10, rules())], [0xff, 0xef]);
    assert.deepEqual([...decodeStrictBase64('_-8', 10, rules(true))], [0xff, 0xef]);
    assert.throws(() => decodeStrictBase64('_-8', 10, rules()), /bad/);
  });

  test('junk, bad length and empty text are refused; size is checked before decoding', () => {
    for (const t of ['', 'ab$d', 'ab=c', 'a'.repeat(5)])
      assert.throws(() => decodeStrictBase64(t, 10, rules(true)), /bad/);
    assert.throws(() => decodeStrictBase64('AAAAAAAA', 5, rules()), /size 6/);
    assert.equal(decodeStrictBase64('AAAAAA==', 4, rules()).length, 4);
  });
});
