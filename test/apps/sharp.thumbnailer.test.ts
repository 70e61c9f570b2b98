import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import sharp from 'sharp';
import { sharpThumbnailer } from '../../src/apps/sharp.thumbnailer.ts';

test('makes a square JPEG thumbnail of the face box, clipped at the image edges', async () => {
  const photo = new Uint8Array(readFileSync('test/fixtures/images/grace_hopper_512x512.jpg'));
  const t = sharpThumbnailer(96);
  const inside = await sharp(await t.faceThumbnail(photo, { left: 0.3, top: 0.2, width: 0.4, height: 0.5 })).metadata();
  assert.deepEqual([inside.format, inside.width, inside.height], ['jpeg', 96, 96]);
  const corner = await sharp(await t.faceThumbnail(photo, { left: 0.9, top: 0.9, width: 0.2, height: 0.2 })).metadata();
  assert.deepEqual([corner.width, corner.height], [96, 96]);
});
