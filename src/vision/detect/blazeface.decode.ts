// BlazeFace (MediaPipe short-range, 256×256) output decoding: pure arithmetic over the raw tensors, so it is unit
// tested without a model. The network regresses, per anchor, a box centre/size and six keypoints as pixel offsets
// from the anchor centre (in the 256-pixel input), plus one logit.
import { meanRect, weightedNms, type Rect } from '../geometry/box.geometry.ts';

export const BLAZEFACE_INPUT = 256;
/** Keypoints in the model's order: the subject's right eye, left eye, nose tip, mouth centre, right ear, left ear. */
export const BLAZEFACE_KEYPOINTS = 6;

/** One candidate, in input pixels (0–256). */
export interface BlazeCandidate {
  rect: Rect;
  /** Sigmoid of the logit, 0–1. */
  score: number;
  /** 6 keypoints, interleaved x, y. */
  keypoints: Float32Array;
}

/**
 * Anchor centres, in the order of the model's rows: stride 16 (16×16 cells, 2 anchors each) then stride 32
 * (8×8 cells, 6 anchors each): 512 + 384 = 896. Anchor sizes are all 1, so only centres matter.
 */
export function blazefaceAnchors(input = BLAZEFACE_INPUT): Float32Array {
  const layers = [
    { stride: input / 16, perCell: 2 },
    { stride: input / 8, perCell: 6 },
  ];
  const out: number[] = [];
  for (const { stride, perCell } of layers) {
    const cells = Math.ceil(input / stride);
    for (let gy = 0; gy < cells; gy++)
      for (let gx = 0; gx < cells; gx++)
        for (let k = 0; k < perCell; k++) out.push(stride * (gx + 0.5), stride * (gy + 0.5));
  }
  return new Float32Array(out);
}

const ANCHORS = blazefaceAnchors();
export const BLAZEFACE_ANCHOR_COUNT = ANCHORS.length / 2;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The converted model has four outputs: scores and regressors for each of the two anchor layers. `rows` is the
 * concatenation in anchor order: `regressors` 896 × 16, `logits` 896.
 */
export function decodeBlazeface(
  regressors: Float32Array,
  logits: Float32Array,
  minScore: number,
  anchors: Float32Array = ANCHORS,
): BlazeCandidate[] {
  const n = anchors.length / 2;
  // Compare logits, not probabilities: one exp per candidate instead of per anchor.
  const minLogit = Math.log(minScore / (1 - minScore));
  const out: BlazeCandidate[] = [];
  for (let i = 0; i < n; i++) {
    const logit = logits[i]!;
    if (!(logit >= minLogit)) continue;
    const ax = anchors[2 * i]!;
    const ay = anchors[2 * i + 1]!;
    const r = i * 16;
    const cx = ax + regressors[r]!;
    const cy = ay + regressors[r + 1]!;
    const w = regressors[r + 2]!;
    const h = regressors[r + 3]!;
    const keypoints = new Float32Array(BLAZEFACE_KEYPOINTS * 2);
    for (let k = 0; k < BLAZEFACE_KEYPOINTS; k++) {
      keypoints[2 * k] = ax + regressors[r + 4 + 2 * k]!;
      keypoints[2 * k + 1] = ay + regressors[r + 5 + 2 * k]!;
    }
    out.push({ rect: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, score: sigmoid(logit), keypoints });
  }
  return out;
}

/** BlazeFace's weighted NMS: overlapping candidates are averaged (box and keypoints) by score. */
export function mergeCandidates(candidates: readonly BlazeCandidate[], iouThreshold = 0.3): BlazeCandidate[] {
  return weightedNms(candidates, iouThreshold, (cluster, weights) => {
    const keypoints = new Float32Array(BLAZEFACE_KEYPOINTS * 2);
    cluster.forEach((c, j) => {
      for (let k = 0; k < keypoints.length; k++) keypoints[k] = keypoints[k]! + c.keypoints[k]! * weights[j]!;
    });
    return {
      rect: meanRect(
        cluster.map((c) => c.rect),
        weights,
      ),
      score: cluster[0]!.score,
      keypoints,
    };
  });
}

/**
 * Puts the model's four outputs into anchor order whatever their names: by shape, [1, 512, 16] and [1, 384, 16]
 * are regressors, [1, 512, 1] and [1, 384, 1] logits (512 rows = the stride-16 layer, first).
 */
export function arrangeOutputs(outputs: { data: Float32Array; dims: readonly number[] }[]): {
  regressors: Float32Array;
  logits: Float32Array;
} {
  const find = (rows: number, cols: number) => {
    const t = outputs.find((o) => o.dims[1] === rows && o.dims[2] === cols);
    if (!t) throw new Error(`blazeface output [1, ${rows}, ${cols}] is missing`);
    return t.data;
  };
  const regressors = new Float32Array(BLAZEFACE_ANCHOR_COUNT * 16);
  regressors.set(find(512, 16), 0);
  regressors.set(find(384, 16), 512 * 16);
  const logits = new Float32Array(BLAZEFACE_ANCHOR_COUNT);
  logits.set(find(512, 1), 0);
  logits.set(find(384, 1), 512);
  return { regressors, logits };
}
