// Thumbnailer on sharp: orientation applied first (boxes are ratios of the upright image), 25% margin around the
// face, a square crop resized to `size` px, JPEG quality 82 (about 6–10 KB at 160 px).
import sharp from 'sharp';
import type { Box } from '../../vision/vision.types.ts';
import type { Thumbnailer } from './thumbnail.port.ts';

export function sharpThumbnailer(size = 160): Thumbnailer {
  return {
    async faceThumbnail(image, box: Box) {
      const upright = sharp(image, { failOn: 'none' }).rotate();
      const { data, info } = await upright.raw().toBuffer({ resolveWithObject: true });
      const cx = (box.left + box.width / 2) * info.width;
      const cy = (box.top + box.height / 2) * info.height;
      // A square of 1.5× the face, as large as fits, shifted (not shrunk) to stay inside the image.
      const side = Math.max(
        1,
        Math.round(Math.min(Math.max(box.width * info.width, box.height * info.height) * 1.5, info.width, info.height)),
      );
      const clamp = (v: number, max: number) => Math.min(Math.max(0, Math.round(v)), max);
      const region = {
        left: clamp(cx - side / 2, info.width - side),
        top: clamp(cy - side / 2, info.height - side),
        width: side,
        height: side,
      };
      const out = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
        .extract(region)
        .resize(size, size, { fit: 'cover' })
        .jpeg({ quality: 82 })
        .toBuffer();
      return new Uint8Array(out);
    },
  };
}
