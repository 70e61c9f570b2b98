// The one thumbnail driver (sharp), for both thumbnail ports: the pipeline's square photo thumbnails
// (pipeline.ports.ts: `thumbnail`) and the people app's face crops (verify/thumbnail.port.ts: `faceThumbnail`).
// Orientation is applied first in both, since face boxes are ratios of the upright image.
import sharp from 'sharp';
import type { Box } from '../vision/vision.types.ts';
import type { Thumbnailer as PhotoThumbnailer } from './pipeline/pipeline.ports.ts';
import type { Thumbnailer as FaceThumbnailer } from './verify/thumbnail.port.ts';

const bytesOf = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export class SharpThumbnailer implements PhotoThumbnailer, FaceThumbnailer {
  /** `faceSize`: side of face crops in px (JPEG quality 82: about 6–10 KB at 160 px). */
  constructor(private readonly faceSize = 160) {}

  /** A size×size JPEG of the whole photo, cropped to its most interesting square (quality 85). */
  async thumbnail(image: Uint8Array, size: number): Promise<Uint8Array> {
    const out = await sharp(image, { failOn: 'error' })
      .rotate()
      .resize(size, size, { fit: 'cover', position: 'attention' })
      .jpeg({ quality: 85 })
      .toBuffer();
    return bytesOf(out);
  }

  /** A square of 1.5× the face in `box`, as large as fits, shifted (not shrunk) to stay inside the image. */
  async faceThumbnail(image: Uint8Array, box: Box): Promise<Uint8Array> {
    const { data, info } = await sharp(image, { failOn: 'none' }).rotate().raw().toBuffer({ resolveWithObject: true });
    const cx = (box.left + box.width / 2) * info.width;
    const cy = (box.top + box.height / 2) * info.height;
    const face = Math.max(box.width * info.width, box.height * info.height) * 1.5;
    const side = Math.max(1, Math.round(Math.min(face, info.width, info.height)));
    const clamp = (v: number, max: number) => Math.min(Math.max(0, Math.round(v)), max);
    const region = {
      left: clamp(cx - side / 2, info.width - side),
      top: clamp(cy - side / 2, info.height - side),
      width: side,
      height: side,
    };
    const out = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .extract(region)
      .resize(this.faceSize, this.faceSize, { fit: 'cover' })
      .jpeg({ quality: 82 })
      .toBuffer();
    return bytesOf(out);
  }
}

/** The people app's face thumbnailer, `size` px square. */
export const sharpThumbnailer = (size = 160): FaceThumbnailer => new SharpThumbnailer(size);
