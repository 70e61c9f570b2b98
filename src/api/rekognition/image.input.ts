// Image parameters on the wire → bytes or an object reference. Bytes arrive base64-encoded and are limited to
// images.maxInlineBytes (5 MB, as Rekognition) after decoding; S3Object references are read from the ObjectStore
// and limited to images.maxObjectBytes (15 MB).
import type { Container } from '../../app/container.ts';
import type { ImageInput } from '../../collections/collection.types.ts';
import { FacegateError } from '../../errors.ts';
import { noteImage } from '../../governance/audit.scope.ts';
import type { ImageParam } from './rekognition.schemas.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeBase64Image(text: string, maxBytes: number): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new FacegateError('INVALID_PARAMETER', 'Image.Bytes must be base64-encoded');
  }
  // Check the size before decoding: 3 bytes per 4 characters, minus padding.
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const size = (text.length / 4) * 3 - padding;
  if (size > maxBytes) {
    throw new FacegateError('IMAGE_TOO_LARGE', `Image size ${size} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  noteImage(bytes);
  return bytes;
}

/** For operations the CollectionService runs: bytes decoded here, object references passed on to it. */
export function toImageInput(image: ImageParam, container: Container): ImageInput {
  if (image.Bytes !== undefined) {
    return { bytes: decodeBase64Image(image.Bytes, container.config.images.maxInlineBytes) };
  }
  const s3 = image.S3Object!;
  return { s3Object: { bucket: s3.Bucket, name: s3.Name, ...(s3.Version ? { version: s3.Version } : {}) } };
}

/** For operations on the engine alone: the image's bytes and which size limit applied. */
export async function readImage(
  image: ImageParam,
  container: Container,
): Promise<{ bytes: Uint8Array; source: 'inline' | 'object' }> {
  if (image.Bytes !== undefined) {
    return { bytes: decodeBase64Image(image.Bytes, container.config.images.maxInlineBytes), source: 'inline' };
  }
  const { Bucket, Name } = image.S3Object!;
  const objects = await container.get('objects');
  const found = await objects.get(Bucket, Name).catch((e: unknown) => {
    // A bucket or key the store cannot hold cannot name an existing object: report it as S3 does.
    if (e instanceof FacegateError && e.code === 'INVALID_PARAMETER') {
      throw new FacegateError('INVALID_S3_OBJECT', e.message, { cause: e });
    }
    throw e;
  });
  if (!found) {
    throw new FacegateError(
      'INVALID_S3_OBJECT',
      `Unable to get object metadata from S3. Check object key, region and/or access permissions.`,
    );
  }
  const max = container.config.images.maxObjectBytes;
  if (found.body.byteLength > max) {
    throw new FacegateError(
      'IMAGE_TOO_LARGE',
      `Object size ${found.body.byteLength} bytes exceeds the limit of ${max} bytes`,
    );
  }
  noteImage(found.body);
  return { bytes: found.body, source: 'object' };
}
