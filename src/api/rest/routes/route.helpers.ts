// Small pieces the app routes share: pulling images out of JSON/multipart/raw bodies, opaque cursors, binary replies.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { FacegateError } from '../../../errors.ts';
import { readUpload, type Upload } from '../image.input.ts';
import type { HandlerContext } from '../rest.route.ts';

/** The images of a request: decoded JSON fields if the body was JSON, else every uploaded file or the raw body. */
export async function imagesOf(
  ctx: HandlerContext<unknown, unknown, unknown>,
  fromJson: (body: never) => Uint8Array[],
): Promise<{ images: Uint8Array[]; upload?: Upload }> {
  if (ctx.body !== undefined) return { images: fromJson(ctx.body as never) };
  const upload = await readUpload(ctx.request);
  return { images: upload.images.map((i) => i.bytes), upload };
}

export async function oneImage(ctx: HandlerContext<unknown, unknown, unknown>): Promise<Uint8Array> {
  const { images } = await imagesOf(ctx, (b: { image: Uint8Array }) => [b.image]);
  const first = images[0];
  if (!first)
    throw new FacegateError('INVALID_PARAMETER', 'An image is required (raw body, multipart file or JSON "image")');
  return first;
}

export const cursor = {
  encode: (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url'),
  decode<T>(s: string | undefined, schema: z.ZodType<T>): T | undefined {
    if (s === undefined) return undefined;
    try {
      return schema.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
    } catch {
      throw new FacegateError('INVALID_PAGINATION_TOKEN');
    }
  },
};

function mimeOf(b: Uint8Array): string {
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50) return 'image/png';
  if (b[8] === 0x57 && b[9] === 0x45) return 'image/webp';
  return 'application/octet-stream';
}

/** An image reply; private caching because images of people are personal data. */
export function sendImage(reply: FastifyReply, bytes: Uint8Array): FastifyReply {
  return reply
    .type(mimeOf(bytes))
    .header('cache-control', 'private, max-age=300')
    .header('x-content-type-options', 'nosniff')
    .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export const boxSchema = z.object({ left: z.number(), top: z.number(), width: z.number(), height: z.number() });
export const thresholdQuery = z.coerce.number().min(0).max(100).optional().describe('similarity 0–100');

/**
 * The collection of the resource a URL names, for a route's scope: a resource that does not exist reaches no
 * collection (a scoped key is refused, and learns nothing of what exists); other failures (NOT_READY) stand.
 */
export async function collectionOf(find: () => Promise<string | undefined>): Promise<string | undefined> {
  try {
    return await find();
  } catch (e) {
    if (e instanceof FacegateError && e.code === 'NOT_FOUND') return undefined;
    throw e;
  }
}
