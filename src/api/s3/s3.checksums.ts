// Integrity headers on writes: Content-MD5 (base64 MD5 of the body) and the SDKs' flexible checksums
// (x-amz-checksum-<algorithm>, in a header or in the aws-chunked trailer). CRC32, CRC32C, SHA-1 and SHA-256 are
// verified; CRC64NVME is accepted unverified. A mismatch is BadDigest, as S3 answers.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { S3Error } from './s3.errors.ts';

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const be32 = (n: number): string => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
};

const ALGORITHMS: Record<string, ((b: Uint8Array) => string) | null> = {
  crc32: (b) => be32(crc32(b)),
  crc32c: (b) => be32(crc32c(b)),
  sha1: (b) => createHash('sha1').update(b).digest('base64'),
  sha256: (b) => createHash('sha256').update(b).digest('base64'),
  crc64nvme: null,
};

export function checkIntegrity(
  body: Uint8Array,
  headers: Record<string, string | string[] | undefined>,
  trailers: Map<string, string>,
): void {
  const md5 = headers['content-md5'];
  if (typeof md5 === 'string') {
    if (!/^[A-Za-z0-9+/]{22}==$/.test(md5))
      throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.');
    if (createHash('md5').update(body).digest('base64') !== md5) {
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
  }
  for (const [algorithm, compute] of Object.entries(ALGORITHMS)) {
    const name = `x-amz-checksum-${algorithm}`;
    const given = trailers.get(name) ?? (typeof headers[name] === 'string' ? (headers[name] as string) : undefined);
    if (given === undefined || compute === null) continue;
    if (compute(body) !== given) {
      throw new S3Error(
        'BadDigest',
        `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
      );
    }
  }
}
