// Runs BlazeFace over an image: once over the whole image (letterboxed into the square input) and, for large images,
// again over overlapping square tiles, because the short-range model only sees faces wider than about 1/8 of its
// input. Candidates from every pass are merged with BlazeFace's weighted NMS; the mesh stage then confirms them.
import type { InferenceSession } from '../runtime/inference.port.ts';
import type { RgbImage } from '../embed/embedder.port.ts';
import type { Rect } from '../geometry/box.geometry.ts';
import { toTensor, warpAffineAntialiased } from '../geometry/affine.warp.ts';
import type { Affine } from '../geometry/similarity.transform.ts';
import {
  BLAZEFACE_INPUT,
  arrangeOutputs,
  decodeBlazeface,
  mergeCandidates,
  type BlazeCandidate,
} from './blazeface.decode.ts';

export interface BlazefaceOptions {
  /** Candidate score threshold (0–1). Low on purpose: facemesh's face score is the real filter. */
  minScore: number;
  /** Tiles are considered when the image's long side is at least this many pixels. */
  tileFromSide: number;
  /** Tile side as a fraction of the image's long side (neighbouring tiles overlap by half a tile or more). */
  tileFraction: number;
  /** At most this many tiles per image (a 16:9 photo needs 6): thin images get larger tiles, not more of them. */
  maxTiles: number;
}

export const DEFAULT_BLAZEFACE_OPTIONS: BlazefaceOptions = {
  minScore: 0.5,
  tileFromSide: 400,
  tileFraction: 0.5,
  maxTiles: 12,
};

/** The whole image as one square (letterboxed: the parts outside the image read as black). */
export function fullRegion(width: number, height: number): Rect {
  const long = Math.max(width, height);
  return { x: (width - long) / 2, y: (height - long) / 2, width: long, height: long };
}

/** Half-overlapping square tiles that cover the image, for faces too small for the full pass; [] for small images. */
export function tileRegions(width: number, height: number, o: BlazefaceOptions): Rect[] {
  const long = Math.max(width, height);
  if (long < o.tileFromSide) return [];
  // A tile narrower than half the model input sees nothing the full pass does not; a tile may overhang a thin
  // image (the overhang reads as black).
  let side = Math.max(BLAZEFACE_INPUT / 2, Math.min(long * o.tileFraction, Math.min(width, height)));
  const count = (extent: number) => Math.max(1, Math.ceil((extent - side) / (side / 2) - 1e-9) + 1);
  // Grows by 25 % a step; at side ≥ long there is one tile per axis, so this ends within a few dozen steps.
  while (count(width) * count(height) > o.maxTiles && side < long) side = Math.min(long, side * 1.25);
  const starts = (extent: number) => {
    const n = count(extent);
    if (n <= 1) return [(extent - side) / 2];
    return Array.from({ length: n }, (_, i) => ((extent - side) * i) / (n - 1));
  };
  const tiles: Rect[] = [];
  for (const y of starts(height)) for (const x of starts(width)) tiles.push({ x, y, width: side, height: side });
  return tiles;
}

export class BlazefaceDetector {
  constructor(
    private readonly session: InferenceSession,
    readonly options: BlazefaceOptions = DEFAULT_BLAZEFACE_OPTIONS,
  ) {}

  /** Candidates in image pixels from several regions, merged, best first. */
  async detectRegions(image: RgbImage, regions: readonly Rect[]): Promise<BlazeCandidate[]> {
    const all: BlazeCandidate[] = [];
    for (const region of regions) all.push(...(await this.detectRegion(image, region)));
    return mergeCandidates(all);
  }

  /** One pass over a square region (image pixels; may extend past the image, which reads as black). */
  async detectRegion(image: RgbImage, region: Rect): Promise<BlazeCandidate[]> {
    const k = region.width / BLAZEFACE_INPUT;
    const srcFromInput: Affine = [k, 0, region.x, 0, k, region.y];
    const crop = warpAffineAntialiased(image, srcFromInput, BLAZEFACE_INPUT, BLAZEFACE_INPUT, 1 / k);
    const input = toTensor(crop, { mean: [127.5, 127.5, 127.5], scale: 1 / 127.5 });
    const name = this.session.inputNames[0]!;
    const out = await this.session.run({ [name]: { data: input, dims: [1, BLAZEFACE_INPUT, BLAZEFACE_INPUT, 3] } });
    const tensors = Object.values(out).map((t) => ({ data: t.data as Float32Array, dims: t.dims }));
    const { regressors, logits } = arrangeOutputs(tensors);
    return decodeBlazeface(regressors, logits, this.options.minScore).map((c) => {
      const keypoints = c.keypoints.map((v, i) => v * k + (i % 2 === 0 ? region.x : region.y));
      const rect = {
        x: c.rect.x * k + region.x,
        y: c.rect.y * k + region.y,
        width: c.rect.width * k,
        height: c.rect.height * k,
      };
      return { rect, score: c.score, keypoints };
    });
  }
}
