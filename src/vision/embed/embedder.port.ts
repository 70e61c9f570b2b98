// What a face descriptor model needs and gives. The detector supplies the geometry; the embedder owns its own
// crop/alignment and preprocessing (they differ per model and matter: see docs/benchmarks.md).

/** Decoded, orientation-corrected pixels: RGB interleaved, 3 bytes per pixel, row-major. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A face in pixel coordinates of the RgbImage. */
export interface FaceGeometry {
  box: { x: number; y: number; width: number; height: number };
  /** Five points in this order: left eye, right eye (as seen in the image: smaller x first), nose tip, mouth left, mouth right. */
  points5: [number, number][];
  /** The detector's dense landmarks when it has them (facemesh: 468 points, x/y in pixels). */
  mesh?: Float32Array;
}

export interface Embedder {
  /** Stable identifier stored with each descriptor, e.g. 'faceres-v1' or 'fusion-faceres+dlib-v1'. */
  readonly version: string;
  readonly size: number;
  /** A unit-length descriptor. */
  embed(image: RgbImage, face: FaceGeometry): Promise<Float32Array>;
}
