// Thumbnails with sharp: EXIF orientation applied, centre-cropped to a square, JPEG.
import sharp from 'sharp';
import type { Thumbnailer } from './pipeline.ports.ts';

export class SharpThumbnailer implements Thumbnailer {
  async thumbnail(image: Uint8Array, size: number): Promise<Uint8Array> {
    const out = await sharp(image, { failOn: 'error' })
      .rotate()
      .resize(size, size, { fit: 'cover', position: 'attention' })
      .jpeg({ quality: 85 })
      .toBuffer();
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
}
