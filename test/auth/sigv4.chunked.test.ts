// The aws-chunked signed payload, checked against the worked example of the S3 documentation ("Signature
// Calculations for the Authorization Header: Transferring Payload in Multiple Chunks"): 66560 bytes of 'a' in a
// 65536-byte chunk and a 1024-byte chunk, signed on 20130524 in us-east-1.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { signingKey } from '../../src/auth/sigv4.canonical.ts';
import { decodeStreamingPayload } from '../../src/auth/sigv4.chunked.ts';
import type { Verified } from '../../src/auth/sigv4.verifier.ts';
import { FacegateError } from '../../src/errors.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const CHUNK_SIGS = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];

const verified = (payload: Verified['payload']): Verified => ({
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  region: 'us-east-1',
  principal: 'AKIAIOSFODNN7EXAMPLE',
  temporary: false,
  payload,
  seed: {
    key: signingKey(SECRET, '20130524', 'us-east-1', 's3'),
    signature: SEED,
    amzDate: '20130524T000000Z',
    scope: '20130524/us-east-1/s3/aws4_request',
  },
});

function body(sigs: string[], sizes = [65536, 1024]): Buffer {
  const parts: Buffer[] = [];
  sizes.forEach((n, i) =>
    parts.push(
      Buffer.from(`${n.toString(16)};chunk-signature=${sigs[i]}\r\n`),
      Buffer.alloc(n, 'a'),
      Buffer.from('\r\n'),
    ),
  );
  parts.push(Buffer.from(`0;chunk-signature=${sigs[sizes.length]}\r\n\r\n`));
  return Buffer.concat(parts);
}

describe('aws-chunked payloads', () => {
  test('decodes and verifies the documented signed example', () => {
    const r = decodeStreamingPayload(body(CHUNK_SIGS), verified('streaming-signed'));
    assert.equal(r.payload.length, 66560);
    assert.ok(r.payload.every((b) => b === 0x61));
  });

  test('a changed, reordered or dropped chunk is SignatureDoesNotMatch', () => {
    const tampered = body(CHUNK_SIGS);
    tampered[100] = 0x62;
    const swapped = body([CHUNK_SIGS[1]!, CHUNK_SIGS[0]!, CHUNK_SIGS[2]!]);
    const dropped = body([CHUNK_SIGS[0]!, CHUNK_SIGS[2]!], [65536]);
    for (const b of [tampered, swapped, dropped]) {
      assert.throws(
        () => decodeStreamingPayload(b, verified('streaming-signed')),
        (e: unknown) =>
          e instanceof FacegateError && e.code === 'INVALID_SIGNATURE' && e.details?.s3 === 'SignatureDoesNotMatch',
      );
    }
  });

  test('an unsigned trailer body yields its data and its checksum trailer', () => {
    const b = Buffer.from('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n');
    const r = decodeStreamingPayload(b, verified('streaming-unsigned-trailer'));
    assert.equal(r.payload.toString(), 'hello');
    assert.equal(r.trailers.get('x-amz-checksum-crc32'), 'NhCmhg==');
  });

  test('a truncated body is IncompleteBody', () => {
    assert.throws(
      () => decodeStreamingPayload(Buffer.from('10\r\nshort'), verified('streaming-unsigned-trailer')),
      (e: unknown) => e instanceof FacegateError && e.details?.s3 === 'IncompleteBody',
    );
  });
});
