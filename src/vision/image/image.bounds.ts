// Plausibility of an image header against the bytes that carry it, checked before any pixel is decoded. The
// pixel ceiling (images.maxPixels) stops the obvious bombs; these stop the subtler ones: a file that declares far
// more pixels than its bytes can describe costs the decode memory of the declared size while carrying nothing.
import { FacegateError } from '../../errors.ts';

/**
 * Above this many declared pixels a file must carry at least one byte per PIXELS_PER_BYTE pixels. A flat photo of a
 * wall from a 12 MP camera still holds ~30 KB (one byte per 400 pixels); a lossless WebP or PNG of one colour can
 * declare 40 MP in a few hundred bytes, which no face photo needs.
 */
const DENSE_FROM_PIXELS = 4_000_000;
const PIXELS_PER_BYTE = 1000;

export function assertPlausibleSize(width: number, height: number, byteLength: number): void {
  const pixels = width * height;
  if (pixels > DENSE_FROM_PIXELS && pixels > byteLength * PIXELS_PER_BYTE) {
    throw new FacegateError(
      'IMAGE_TOO_LARGE',
      `The image declares ${width}×${height} pixels in only ${byteLength} bytes; it is refused as a decompression bomb`,
    );
  }
}

/** The long side may be at most `maxRatio` times the short side: a thinner strip holds no usable face. */
export function assertAspectRatio(width: number, height: number, maxRatio: number): void {
  const ratio = Math.max(width, height) / Math.min(width, height);
  if (ratio > maxRatio) {
    throw new FacegateError(
      'INVALID_PARAMETER',
      `The image is ${width}×${height} pixels; its long side may be at most ${maxRatio} times its short side`,
    );
  }
}

/**
 * Huffman-coded JPEG (baseline SOF0/1, progressive SOF2) spends at least one bit on every 8×8 block of every
 * component (its DC code), so a file shorter than blocks/8 bytes cannot hold the frame its header declares; libjpeg
 * would fill the rest with grey. Other codings (arithmetic, lossless) are not bounded here.
 */
export function assertJpegHoldsFrame(bytes: Uint8Array): void {
  const blocks = jpegBlocks(bytes);
  if (blocks !== undefined && bytes.length < blocks / 8) {
    throw new FacegateError(
      'INVALID_IMAGE_FORMAT',
      `The JPEG header declares ${blocks} blocks but the file holds too little data for them (truncated or altered)`,
    );
  }
}

/** Counts the 8×8 blocks a Huffman JPEG's first SOF declares; undefined when there is none or it is unreadable. */
function jpegBlocks(b: Uint8Array): number | undefined {
  // Markers start after SOI; each segment is FF xx LEN(2, big-endian, includes itself). Bounded by the file length.
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xc2) return sofBlocks(b, i + 4, len - 2);
    if (marker === 0xda || len < 2) return undefined; // scan data before any frame header
    i += 2 + len;
  }
  return undefined;
}

function sofBlocks(b: Uint8Array, at: number, len: number): number | undefined {
  if (len < 6 || at + len > b.length) return undefined;
  const height = (b[at + 1]! << 8) | b[at + 2]!;
  const width = (b[at + 3]! << 8) | b[at + 4]!;
  const n = b[at + 5]!;
  if (len < 6 + 3 * n || n === 0 || !width || !height) return undefined;
  const factors = Array.from({ length: n }, (_, k) => b[at + 6 + 3 * k + 1]!).map((f) => [f >> 4, f & 15] as const);
  const hMax = Math.max(...factors.map(([h]) => h));
  const vMax = Math.max(...factors.map(([, v]) => v));
  if (!hMax || !vMax) return undefined;
  return factors.reduce(
    (sum, [h, v]) => sum + Math.ceil((width * h) / hMax / 8) * Math.ceil((height * v) / vMax / 8),
    0,
  );
}
