// Image copies for bench/liveness.eval.ts that imitate some traits of a recaptured face. They are simulations of
// texture, not presentation attacks: no paper, screen, camera or lighting is involved.
import sharp from 'sharp';
import type { RgbImage } from '../src/vision/embed/embedder.port.ts';

const map = (img: RgbImage, f: (x: number, y: number, ch: number, v: number, i: number) => number): RgbImage => {
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++)
      for (let ch = 0; ch < 3; ch++) {
        const i = (y * img.width + x) * 3 + ch;
        out[i] = Math.max(0, Math.min(255, Math.round(f(x, y, ch, img.data[i]!, i))));
      }
  return { data: out, width: img.width, height: img.height };
};

/** Luma (BT.601) in all three channels: a black-and-white copy. */
export const greyscale = (img: RgbImage): RgbImage =>
  map(img, (_x, _y, _ch, _v, i) => {
    const p = i - (i % 3);
    return 0.299 * img.data[p]! + 0.587 * img.data[p + 1]! + 0.114 * img.data[p + 2]!;
  });

/** A 4×4 clustered-dot threshold cell (dots grow from the centre), as in an amplitude-modulated print screen. */
const CELL = [
  [12, 5, 6, 13],
  [4, 0, 1, 7],
  [11, 3, 2, 8],
  [15, 10, 9, 14],
];

/** Each of cyan, magenta, yellow printed as binary dots on a 4-px cell (shifted per ink), on white paper. */
export const halftone = (img: RgbImage): RgbImage =>
  map(img, (x, y, ch, v) => {
    const ink = 1 - v / 255;
    const t = (CELL[(y + ch) % 4]![(x + 2 * ch) % 4]! + 0.5) / 16;
    return ink > t ? 20 : 245;
  });

/** Vertical R, G, B sub-pixel stripes, one pixel each, brightness kept: a screen seen pixel for pixel. */
export const screenStripes = (img: RgbImage): RgbImage =>
  map(img, (x, _y, ch, v) => (x % 3 === ch ? v * 2.4 : v * 0.3));

/** Shrunk `factor` times and enlarged back (bilinear): the detail a low-resolution recapture loses. */
export async function downUp(img: RgbImage, factor: number): Promise<RgbImage> {
  const raw = { raw: { width: img.width, height: img.height, channels: 3 as const } };
  const small = await sharp(Buffer.from(img.data), raw)
    .resize(Math.round(img.width / factor), Math.round(img.height / factor), { kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const back = await sharp(small.data, { raw: { width: small.info.width, height: small.info.height, channels: 3 } })
    .resize(img.width, img.height, { kernel: 'linear' })
    .raw()
    .toBuffer();
  return { data: new Uint8Array(back), width: img.width, height: img.height };
}
