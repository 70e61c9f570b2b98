// The aws-chunked body encodings S3 clients send (Content-Encoding: aws-chunked): `<hex size>[;chunk-signature=<sig>]
// CRLF <data> CRLF`, ending with a zero-size chunk, optionally followed by trailer headers (checksums) and a trailer
// signature. Each chunk signature chains from the previous one, starting at the request's own signature, so a chunk
// cannot be altered, dropped or reordered; every signature is checked before the object is accepted.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { FacegateError } from '../errors.ts';
import { sha256Hex } from './sigv4.canonical.ts';
import { authError, type Verified } from './sigv4.verifier.ts';

const EMPTY_SHA256 = sha256Hex('');
const CRLF = Buffer.from('\r\n');

export interface DecodedPayload {
  payload: Buffer;
  /** Trailer headers (lower-case names), e.g. x-amz-checksum-crc32. */
  trailers: Map<string, string>;
}

const malformed = (why: string) =>
  new FacegateError('INVALID_PARAMETER', `Malformed aws-chunked body: ${why}`, { details: { s3: 'IncompleteBody' } });

function sign(v: Verified, kind: 'PAYLOAD' | 'TRAILER', previous: string, hash: string): string {
  const lines =
    kind === 'PAYLOAD'
      ? ['AWS4-HMAC-SHA256-PAYLOAD', v.seed.amzDate, v.seed.scope, previous, EMPTY_SHA256, hash]
      : ['AWS4-HMAC-SHA256-TRAILER', v.seed.amzDate, v.seed.scope, previous, hash];
  return createHmac('sha256', v.seed.key).update(lines.join('\n')).digest('hex');
}

function checkSignature(expected: string, given: string | undefined): void {
  const a = Buffer.from(expected, 'hex');
  const b = /^[0-9a-f]{64}$/.test(given ?? '') ? Buffer.from(given!, 'hex') : Buffer.alloc(0);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw authError(
      'INVALID_SIGNATURE',
      'The chunk signature we calculated does not match the signature you provided.',
      'SignatureDoesNotMatch',
    );
  }
}

/** Decodes (and for the signed modes verifies) a streaming body. Only call for the streaming payload modes. */
export function decodeStreamingPayload(body: Buffer, v: Verified): DecodedPayload {
  const signed = v.payload === 'streaming-signed' || v.payload === 'streaming-signed-trailer';
  const withTrailer = v.payload.endsWith('trailer');
  const chunks: Buffer[] = [];
  let previous = v.seed.signature;
  let pos = 0;
  // Bounded: every turn consumes at least one header line of the finite body.
  for (;;) {
    const eol = body.indexOf(CRLF, pos);
    if (eol < 0) throw malformed('a chunk header is not terminated');
    const header = body.subarray(pos, eol).toString('latin1');
    const [sizeText, ...ext] = header.split(';');
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText ?? '')) throw malformed(`bad chunk size '${sizeText}'`);
    const size = parseInt(sizeText!, 16);
    const sigExt = ext.find((e) => e.startsWith('chunk-signature='));
    const start = eol + 2;
    const data = body.subarray(start, start + size);
    if (data.length !== size) throw malformed('a chunk is shorter than its declared size');
    if (signed) {
      const expected = sign(v, 'PAYLOAD', previous, sha256Hex(data));
      checkSignature(expected, sigExt?.slice('chunk-signature='.length));
      previous = expected;
    }
    if (size === 0) {
      pos = start;
      break;
    }
    chunks.push(data);
    if (!body.subarray(start + size, start + size + 2).equals(CRLF)) throw malformed('a chunk is not followed by CRLF');
    pos = start + size + 2;
  }
  const trailers = new Map<string, string>();
  if (withTrailer) {
    const lines: string[] = [];
    let trailerSigned = false;
    for (;;) {
      const eol = body.indexOf(CRLF, pos);
      const line = (eol < 0 ? body.subarray(pos) : body.subarray(pos, eol)).toString('latin1');
      pos = eol < 0 ? body.length : eol + 2;
      if (line === '') break;
      const colon = line.indexOf(':');
      if (colon <= 0) throw malformed(`bad trailer line '${line}'`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'x-amz-trailer-signature') {
        if (signed) checkSignature(sign(v, 'TRAILER', previous, sha256Hex(lines.join(''))), value);
        trailerSigned = true;
        continue;
      }
      trailers.set(name, value);
      lines.push(`${name}:${value}\n`);
      if (eol < 0) break;
    }
    if (signed && !trailerSigned) checkSignature('00', undefined);
  } else if (!body.subarray(pos, pos + 2).equals(CRLF) && pos !== body.length) {
    throw malformed('the final chunk is not followed by CRLF');
  }
  return { payload: Buffer.concat(chunks), trailers };
}
