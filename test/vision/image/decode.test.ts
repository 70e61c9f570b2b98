import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodeImage, probeImage, sniffFormat } from '../../../src/vision/image/decode.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { FacegateError, type ErrorCode } from '../../../src/errors.ts';

const limits = loadConfig({}).images;
const fixture = (name: string) => readFile(new URL(`../../fixtures/images/${name}`, import.meta.url));

const rejectsWith = (p: Promise<unknown>, code: ErrorCode) =>
  assert.rejects(p, (e: unknown) => e instanceof FacegateError && e.code === code);

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid greyscale PNG of one colour: tiny on disk, `w*h` bytes once decoded. */
function uniformPng(w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((w + 1) * h); // filter byte 0 + zero pixels per row
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    sig,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodeImage', () => {
  test('decodes a JPEG into interleaved RGB with its size and format', async () => {
    const { rgb, info } = await decodeImage(await fixture('grace_hopper_512x512.jpg'), limits);
    assert.deepEqual(info, { width: 512, height: 512, format: 'jpeg', orientation: 1 });
    assert.equal(rgb.width, 512);
    assert.equal(rgb.data.length, 512 * 512 * 3);
  });

  test('decodes PNG and WebP', async () => {
    const png = await decodeImage(await fixture('coffee.png'), limits);
    assert.equal(png.info.format, 'png');
    assert.equal(png.rgb.data.length, 600 * 400 * 3);
    const webpBytes = await sharp(await fixture('chelsea.png'))
      .webp()
      .toBuffer();
    const webp = await decodeImage(webpBytes, limits);
    assert.deepEqual([webp.info.format, webp.rgb.width, webp.rgb.height], ['webp', 451, 300]);
  });

  test('turns greyscale and alpha images into 3-channel RGB', async () => {
    const rgba = await sharp({ create: { width: 100, height: 90, channels: 4, background: '#00000000' } })
      .png()
      .toBuffer();
    const { rgb } = await decodeImage(rgba, limits);
    assert.equal(rgb.data.length, 100 * 90 * 3);
    assert.equal(rgb.data[0], 255, 'transparent pixels are flattened onto white');
    const grey = await decodeImage(uniformPng(120, 100), limits);
    assert.equal(grey.rgb.data.length, 120 * 100 * 3);
  });

  test('turns 16-bit PNG and CMYK JPEG into 8-bit sRGB', async () => {
    const solid = () => sharp({ create: { width: 100, height: 100, channels: 3, background: '#804020' } });
    const png16 = await solid().toColourspace('rgb16').png().toBuffer();
    const a = await decodeImage(png16, limits);
    assert.deepEqual(Array.from(a.rgb.data.subarray(0, 3)), [128, 64, 32]);
    const cmyk = await solid().toColourspace('cmyk').jpeg().toBuffer();
    const b = await decodeImage(cmyk, limits);
    assert.equal(b.rgb.data.length, 100 * 100 * 3);
    assert.ok(
      Math.abs(b.rgb.data[0]! - 128) < 12 && b.rgb.data[0]! > b.rgb.data[1]! && b.rgb.data[1]! > b.rgb.data[2]!,
    );
  });

  test('applies the EXIF orientation: a 6 (90° clockwise) tagged landscape becomes portrait', async () => {
    // Left half red, right half blue; orientation 6 means "rotate 90° clockwise to view", so red ends on top.
    const left = await sharp({ create: { width: 100, height: 120, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    const base = sharp({ create: { width: 200, height: 120, channels: 3, background: '#0000ff' } }).composite([
      { input: left, left: 0, top: 0 },
    ]);
    const jpeg = await sharp(await base.png().toBuffer())
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const { rgb, info } = await decodeImage(jpeg, limits);
    assert.deepEqual([info.width, info.height, info.orientation], [120, 200, 6]);
    assert.deepEqual([rgb.width, rgb.height], [120, 200]);
    const px = (x: number, y: number) =>
      Array.from(rgb.data.subarray((y * rgb.width + x) * 3, (y * rgb.width + x) * 3 + 3));
    const top = px(60, 20);
    const bottom = px(60, 180);
    assert.ok(top[0]! > 200 && top[2]! < 60, `top should be red, got ${top.join(',')}`);
    assert.ok(bottom[2]! > 200 && bottom[0]! < 60, `bottom should be blue, got ${bottom.join(',')}`);
  });

  test('makes a downscaled working copy while reporting the original size', async () => {
    const { rgb, info } = await decodeImage(await fixture('cellphone.jpg'), limits, { maxSide: 640 });
    assert.deepEqual([info.width, info.height], [1920, 1080]);
    assert.deepEqual([rgb.width, rgb.height], [640, 360]);
  });
});

describe('decodeImage refuses bad images with typed errors', () => {
  test('garbage bytes → INVALID_IMAGE_FORMAT', async () => {
    await rejectsWith(
      decodeImage(Buffer.from('this is not an image at all, just text'), limits),
      'INVALID_IMAGE_FORMAT',
    );
    await rejectsWith(decodeImage(new Uint8Array(0), limits), 'INVALID_IMAGE_FORMAT');
  });

  test('a JPEG header followed by garbage → INVALID_IMAGE_FORMAT', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]);
    await rejectsWith(decodeImage(bytes, limits), 'INVALID_IMAGE_FORMAT');
  });

  test('a truncated JPEG → INVALID_IMAGE_FORMAT', async () => {
    const full = await fixture('identity.jpg');
    await rejectsWith(decodeImage(full.subarray(0, Math.floor(full.length / 2)), limits), 'INVALID_IMAGE_FORMAT');
  });

  test('GIF and BMP are other formats → INVALID_IMAGE_FORMAT', async () => {
    const gif = await sharp(await fixture('chelsea.png'))
      .gif()
      .toBuffer();
    assert.equal(sniffFormat(gif), undefined);
    await rejectsWith(decodeImage(gif, limits), 'INVALID_IMAGE_FORMAT');
    // A minimal 1-bit 100×100 BMP header: sharp/libvips would not read it anyway, but it must be refused by format.
    const bmp = Buffer.alloc(62 + 100 * 16);
    bmp.write('BM', 0, 'ascii');
    bmp.writeUInt32LE(bmp.length, 2);
    bmp.writeUInt32LE(62, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(100, 18);
    bmp.writeInt32LE(100, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(1, 28);
    await rejectsWith(decodeImage(bmp, limits), 'INVALID_IMAGE_FORMAT');
  });

  test('more bytes than the inline limit → IMAGE_TOO_LARGE; the object limit is larger', async () => {
    const bytes = await fixture('looking_at_screen.jpg');
    const small = { ...limits, maxInlineBytes: bytes.length - 1, maxObjectBytes: bytes.length + 1 };
    await rejectsWith(decodeImage(bytes, small), 'IMAGE_TOO_LARGE');
    const ok = await decodeImage(bytes, small, { source: 'object' });
    assert.equal(ok.info.width, 1920);
  });

  test('a side under 80 px → IMAGE_TOO_SMALL', async () => {
    const tiny = await sharp({ create: { width: 200, height: 60, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    await rejectsWith(decodeImage(tiny, limits), 'IMAGE_TOO_SMALL');
  });

  test('a decompression bomb (12000×12000 PNG, small on disk) is refused from its header', async () => {
    const bomb = uniformPng(12000, 12000);
    assert.ok(bomb.length < 2 * 1024 * 1024, `bomb is ${bomb.length} bytes`);
    await rejectsWith(probeImage(bomb, limits), 'IMAGE_TOO_LARGE');
    await rejectsWith(decodeImage(bomb, limits), 'IMAGE_TOO_LARGE');
  });
});
