// The work an image may cost is bounded from its header: extreme aspect ratios (whose thin working copy would be
// scanned as hundreds of tiles), JPEGs whose header declares more blocks than the file has data for (decoded as grey
// filler), and tiny files that declare tens of megapixels (WebP bombs) are refused before any pixel is decoded.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { decodeImage, probeImage } from '../../../src/vision/image/decode.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { FacegateError, type ErrorCode } from '../../../src/errors.ts';
import { DEFAULT_BLAZEFACE_OPTIONS, tileRegions } from '../../../src/vision/detect/blazeface.detector.ts';

const limits = loadConfig({}).images;
const fixture = (name: string) => readFile(new URL(`../../fixtures/images/${name}`, import.meta.url));
const rejectsWith = (p: Promise<unknown>, code: ErrorCode, re?: RegExp) =>
  assert.rejects(p, (e: unknown) => e instanceof FacegateError && e.code === code && (!re || re.test(e.message)));

const grey = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#777' } })
    .jpeg()
    .toBuffer();

/** Rewrites the frame size in a baseline/progressive JPEG's SOF marker, leaving the data as it was. */
function withDeclaredSize(jpeg: Buffer, width: number, height: number): Buffer {
  const b = Buffer.from(jpeg);
  for (let i = 2; i + 9 < b.length; i += 2 + b.readUInt16BE(i + 2)) {
    assert.equal(b[i], 0xff, 'marker expected');
    if (b[i + 1]! >= 0xc0 && b[i + 1]! <= 0xc2) {
      b.writeUInt16BE(height, i + 5);
      b.writeUInt16BE(width, i + 7);
      return b;
    }
  }
  throw new Error('no SOF marker');
}

/** A WebP (lossless, VP8L) whose header declares width×height, followed by a few bytes of nothing. */
function vp8lHeader(width: number, height: number): Buffer {
  const bits = Buffer.alloc(5);
  bits[0] = 0x2f; // VP8L signature
  bits.writeUInt32LE(((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14), 1);
  const payload = Buffer.concat([bits, Buffer.alloc(13)]);
  const chunk = Buffer.concat([Buffer.from('VP8L'), Buffer.alloc(4), payload]);
  chunk.writeUInt32LE(payload.length, 4);
  const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBP'), chunk]);
  riff.writeUInt32LE(riff.length - 8, 4);
  return riff;
}

describe('bounded work per image', () => {
  test('a 40000×80 grey JPEG (19 KB) is refused for its aspect ratio, from the header', async () => {
    const thin = await grey(40000, 80);
    await rejectsWith(probeImage(thin, limits), 'INVALID_PARAMETER', /aspect|times/);
    await rejectsWith(decodeImage(await grey(80, 16000), limits), 'INVALID_PARAMETER');
  });

  test('a panorama within the ratio limit still decodes', async () => {
    const { info } = await decodeImage(await grey(1600, 100), limits, { maxSide: 1280 });
    assert.deepEqual([info.width, info.height], [1600, 100]);
  });

  test('the thin working copy of an allowed panorama is scanned in a bounded number of tiles', () => {
    const normal = tileRegions(1280, 720, DEFAULT_BLAZEFACE_OPTIONS).length;
    for (const [w, h] of [
      [1280, 64],
      [64, 1280],
      [1280, 3],
      [1280, 200],
    ] as const) {
      const tiles = tileRegions(w, h, DEFAULT_BLAZEFACE_OPTIONS);
      assert.ok(tiles.length <= 2 * normal, `${w}×${h}: ${tiles.length} tiles (a photo has ${normal})`);
      for (let x = 0; x < w; x += 13)
        for (let y = 0; y < h; y += 7)
          assert.ok(tiles.some((t) => x >= t.x && x <= t.x + t.width && y >= t.y && y <= t.y + t.height));
    }
  });

  test('a JPEG whose header claims 6000×6000 but holds 576×768 of data is refused', async () => {
    const real = await sharp(await fixture('identity.jpg'))
      .jpeg({ quality: 80 })
      .toBuffer();
    const lying = withDeclaredSize(real, 6000, 6000);
    await rejectsWith(probeImage(lying, limits), 'INVALID_IMAGE_FORMAT', /data/);
    const progressive = withDeclaredSize(
      await sharp(await fixture('identity.jpg'))
        .jpeg({ progressive: true })
        .toBuffer(),
      6000,
      6000,
    );
    await rejectsWith(decodeImage(progressive, limits), 'INVALID_IMAGE_FORMAT');
    // The genuine file, and a genuinely flat 3000×3000 JPEG, still pass.
    await probeImage(real, limits);
    await probeImage(await grey(3000, 3000), limits);
  });

  test('libvips keeps no decoded images between requests (its operation cache is off)', async () => {
    for (let i = 0; i < 5; i++) await decodeImage(await grey(1000 + i, 800), limits);
    await rejectsWith(decodeImage(await grey(40000, 80), limits), 'INVALID_PARAMETER');
    const { memory, items } = sharp.cache();
    assert.equal(items.current, 0);
    assert.equal(memory.current, 0);
  });

  test('tiny WebPs declaring 6300×6300 are refused before decoding', async () => {
    const header = vp8lHeader(6300, 6300);
    assert.ok(header.length <= 40, `${header.length} bytes`);
    await rejectsWith(probeImage(header, limits), 'IMAGE_TOO_LARGE');
    const flat = await sharp({ create: { width: 6300, height: 6300, channels: 3, background: '#808080' } })
      .webp({ lossless: true })
      .toBuffer();
    assert.ok(flat.length < 4096, `${flat.length} bytes`);
    await rejectsWith(decodeImage(flat, limits), 'IMAGE_TOO_LARGE');
  });
});
