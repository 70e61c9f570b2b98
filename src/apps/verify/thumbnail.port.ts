// Face thumbnails for the console and the people API. Driver: sharp (apps/sharp.thumbnailer.ts).
import type { Box } from '../../vision/vision.types.ts';

export interface Thumbnailer {
  /** A small JPEG of the face in `box` (ratios of the orientation-corrected image), with some margin. */
  faceThumbnail(image: Uint8Array, box: Box): Promise<Uint8Array>;
}
