// Image bytes → validated, orientation-corrected RGB pixels. This is the sharp driver of the vision part: nothing
// else in Facegate decodes images. Every refusal is a typed FacegateError, and the pixel budget is checked from the
// header before a single pixel is decoded, so a small file that expands to gigabytes (a decompression bomb) costs
// nothing.
import sharp from 'sharp';
import { FacegateError } from '../../errors.ts';
import type { Config } from '../../config/config.schema.ts';
import type { RgbImage } from '../embed/embedder.port.ts';
import type { ImageInfo } from '../vision.types.ts';
import { assertAspectRatio, assertJpegHoldsFrame, assertPlausibleSize } from './image.bounds.ts';

// libvips caches recent operations and their pixel buffers (50 MB / 100 operations by default). Every request
// decodes a new image, so the cache never hits and only keeps the resident set high and growing under traffic.
sharp.cache(false);

export type ImageLimits = Config['images'];

export interface DecodeOptions {
  /** Which byte limit applies: inline bytes (5 MB by default) or a stored object (15 MB). */
  source?: 'inline' | 'object';
  /**
   * Downscale so that the long side is at most this many pixels (a working copy for detection). The returned
   * ImageInfo still describes the original, orientation-corrected image; ratios are the same for both.
   */
  maxSide?: number;
}

export interface DecodedImage {
  /** The pixels (possibly a downscaled working copy, see DecodeOptions.maxSide). */
  rgb: RgbImage;
  /** The original image, after EXIF orientation. */
  info: ImageInfo;
}

type Format = ImageInfo['format'];

/** Identifies the container from its magic bytes, so that GIF, BMP, TIFF, SVG … are refused before sharp sees them. */
export function sniffFormat(b: Uint8Array): Format | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return undefined;
}

const MB = 1024 * 1024;
const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;

/** Reads the header only: format, oriented dimensions, EXIF orientation. Throws the typed refusals. */
export async function probeImage(bytes: Uint8Array, limits: ImageLimits, source: 'inline' | 'object' = 'inline') {
  const maxBytes = source === 'object' ? limits.maxObjectBytes : limits.maxInlineBytes;
  if (bytes.length > maxBytes) {
    throw new FacegateError('IMAGE_TOO_LARGE', `The image is ${mb(bytes.length)}; the limit is ${mb(maxBytes)}`);
  }
  const format = sniffFormat(bytes);
  if (!format) throw new FacegateError('INVALID_IMAGE_FORMAT');
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new FacegateError('INVALID_IMAGE_FORMAT', 'The image header cannot be read', { cause: e });
  }
  const { width, height } = meta;
  if (!width || !height) throw new FacegateError('INVALID_IMAGE_FORMAT', 'The image has no dimensions');
  if (width * height > limits.maxPixels) {
    throw new FacegateError(
      'IMAGE_TOO_LARGE',
      `The image has ${width}×${height} pixels; the limit is ${limits.maxPixels} pixels`,
    );
  }
  if (format === 'jpeg') assertJpegHoldsFrame(bytes);
  assertPlausibleSize(width, height, bytes.length);
  const orientation = meta.orientation && meta.orientation >= 1 && meta.orientation <= 8 ? meta.orientation : 1;
  // Orientations 5–8 swap the axes (90° / 270° rotations).
  const [w, h] = orientation >= 5 ? [height, width] : [width, height];
  if (Math.min(w, h) < limits.minSide) {
    throw new FacegateError(
      'IMAGE_TOO_SMALL',
      `The image is ${w}×${h} pixels; each side must be at least ${limits.minSide} pixels`,
    );
  }
  assertAspectRatio(w, h, limits.maxAspectRatio);
  const info: ImageInfo = { width: w, height: h, format, orientation };
  return info;
}

/** Decodes JPEG, PNG or WebP into 8-bit RGB with EXIF orientation applied; alpha is flattened onto white. */
export async function decodeImage(
  bytes: Uint8Array,
  limits: ImageLimits,
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  const info = await probeImage(bytes, limits, options.source);
  try {
    // failOn 'truncated' refuses a cut-off file instead of returning grey rows; limitInputPixels repeats the
    // header check inside libvips as a second line of defence.
    let pipeline = sharp(bytes, { failOn: 'truncated', limitInputPixels: limits.maxPixels })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb');
    const maxSide = options.maxSide;
    if (maxSide && Math.max(info.width, info.height) > maxSide) {
      pipeline = pipeline.resize({ width: maxSide, height: maxSide, fit: 'inside', kernel: 'linear' });
    }
    const { data, info: out } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (out.channels !== 3) throw new Error(`expected 3 channels, got ${out.channels}`);
    const rgb: RgbImage = {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: out.width,
      height: out.height,
    };
    return { rgb, info };
  } catch (e) {
    throw new FacegateError('INVALID_IMAGE_FORMAT', 'The image data is corrupt or truncated', { cause: e });
  }
}
