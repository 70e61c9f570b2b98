// Resident memory under a stream of valid, malformed and oversized images through the decode driver, as the fuzz
// passes of the hardening report sent them. Prints RSS after each pass; run once as is (libvips cache off, as the
// server runs) and once with --vips-cache to see what the cache kept. Bounded: 3 passes of 120 images.
//   node --import tsx bench/decode.rss.bench.ts [--vips-cache]
import sharp from 'sharp';
import { readFileSync } from 'node:fs';
import { decodeImage } from '../src/vision/image/decode.ts';
import { loadConfig } from '../src/config/config.ts';

const limits = loadConfig({}).images;
const cacheOn = process.argv.includes('--vips-cache');
const photo = readFileSync(new URL('../test/fixtures/images/cellphone.jpg', import.meta.url));
if (cacheOn) sharp.cache(true);

async function inputs(i: number): Promise<Uint8Array[]> {
  const big = await sharp({ create: { width: 2400 + i, height: 1800, channels: 3, background: '#7a7' } })
    .jpeg()
    .toBuffer();
  return [photo, big, photo.subarray(0, photo.length / 2), Buffer.from('not an image'), Buffer.concat([photo, big])];
}

const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
console.log(`libvips cache ${cacheOn ? 'on (sharp default)' : 'off (as the server runs)'}; RSS at start ${mb()} MB`);
for (let pass = 1; pass <= 3; pass++) {
  for (let i = 0; i < 24; i++) {
    for (const bytes of await inputs(pass * 100 + i)) {
      await decodeImage(bytes, limits, { maxSide: 1280 }).catch(() => undefined);
    }
  }
  console.log(`pass ${pass}: RSS ${mb()} MB, libvips cache ${Math.round(sharp.cache().memory.current)} MB`);
}
