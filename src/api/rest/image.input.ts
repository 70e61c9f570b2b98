// Reading images from REST requests, in the three forms the tutorials use: a raw body (`Content-Type: image/jpeg`),
// multipart/form-data (browser forms, curl -F), or base64 inside JSON. Every path enforces the inline image limit
// while reading, so nothing beyond the limit is ever buffered.
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { FacegateError } from '../../errors.ts';
import { noteImage } from '../../governance/audit.scope.ts';

export const RAW_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/octet-stream'];

const MB = 1024 * 1024;
const human = (bytes: number): string => (bytes >= MB ? `${+(bytes / MB).toFixed(1)} MB` : `${bytes} bytes`);

export function tooLarge(maxBytes: number): FacegateError {
  return new FacegateError('PAYLOAD_TOO_LARGE', `The image is larger than the ${human(maxBytes)} limit`);
}

/** JSON bytes needed to carry one base64 image of `maxBytes` plus small fields. */
export const base64BodyLimit = (maxBytes: number, images = 1): number =>
  images * Math.ceil((maxBytes * 4) / 3) + 64 * 1024;

/** Reads a stream into memory, refusing (and stopping) as soon as it passes `maxBytes`. */
export async function readLimited(stream: Readable, maxBytes: number, declaredLength?: number): Promise<Buffer> {
  if (declaredLength !== undefined && declaredLength > maxBytes) {
    stream.resume();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) {
      stream.destroy();
      throw tooLarge(maxBytes);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Strict base64 (standard or URL alphabet, optional `data:image/...;base64,` prefix); Buffer.from alone skips junk. */
export function decodeBase64Image(text: string, maxBytes: number): Uint8Array {
  const s = text.replace(/^data:[\w/+.-]+;base64,/, '').replace(/\s+/g, '');
  const ok = s.length > 0 && (BASE64.test(s) ? s.length % 4 === 0 : BASE64URL.test(s) && s.length % 4 !== 1);
  if (!ok) throw new FacegateError('INVALID_PARAMETER', 'The image is not valid base64');
  if (Math.floor((s.length * 3) / 4) - (s.match(/=+$/)?.[0].length ?? 0) > maxBytes) throw tooLarge(maxBytes);
  const bytes = new Uint8Array(Buffer.from(s, BASE64.test(s) ? 'base64' : 'base64url'));
  noteImage(bytes);
  return bytes;
}

/** A JSON field holding a base64 image; decodes to bytes at the boundary. */
export const base64Image = (maxBytes: number) =>
  z
    .string()
    .min(1)
    .describe('base64 (or a data: URL) of a JPEG, PNG or WebP image')
    .transform((s) => decodeBase64Image(s, maxBytes));

/**
 * The multipart parser's failures as client errors: a missing or over-long boundary, a truncated part, too many
 * files or fields (busboy and @fastify/multipart throw plain Errors or FST_ errors with 4xx status codes).
 */
function multipartError(e: unknown): FacegateError {
  if (e instanceof FacegateError) return e;
  const err = e as { code?: string; message?: string; statusCode?: number };
  if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.statusCode === 413) {
    return new FacegateError('PAYLOAD_TOO_LARGE', err.message, { cause: e });
  }
  return new FacegateError('INVALID_PARAMETER', `Malformed multipart body: ${err.message ?? 'unreadable'}`, {
    cause: e,
  });
}

export interface Upload {
  fields: Record<string, string>;
  images: { field: string; filename?: string; bytes: Uint8Array }[];
}

/**
 * The images of a multipart or raw-body request (JSON is validated by the route's schema instead).
 * Multipart files are read one at a time with the per-file limit set on the plugin.
 */
export async function readUpload(request: FastifyRequest): Promise<Upload> {
  if (request.isMultipart()) {
    const upload: Upload = { fields: {}, images: [] };
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          const bytes = new Uint8Array(await part.toBuffer());
          noteImage(bytes);
          if (bytes.length > 0) upload.images.push({ field: part.fieldname, filename: part.filename, bytes });
        } else if (typeof part.value === 'string') {
          upload.fields[part.fieldname] = part.value;
        }
      }
    } catch (e) {
      throw multipartError(e);
    }
    return upload;
  }
  if (Buffer.isBuffer(request.body)) {
    noteImage(request.body);
    return { fields: {}, images: request.body.length ? [{ field: 'body', bytes: new Uint8Array(request.body) }] : [] };
  }
  return { fields: {}, images: [] };
}
