// The FrameAnnotator port: draws face boxes and names on a JPEG (visit snapshots, the live view). Driver: sharp.
import type { Box } from '../vision/vision.types.ts';

export interface Annotation {
  box: Box;
  label: string;
  /** known: green; unknown: red; pending: yellow. */
  tone: 'known' | 'unknown' | 'pending';
}

export interface FrameAnnotator {
  annotate(jpeg: Buffer, annotations: readonly Annotation[]): Promise<Buffer>;
}
