// face-api's SSD-MobileNetV1 (WIDER FACE) over a square region: the detector that still sees a face turned to a
// full profile, where BlazeFace's short-range model (trained on near-frontal faces) proposes nothing. It is about
// ten times the cost of a BlazeFace pass, so FaceDetector runs it only as a second pass (face.detector.ts).
import type { InferenceSession } from '../runtime/inference.port.ts';
import type { RgbImage } from '../embed/embedder.port.ts';
import { nms, type Rect, type Scored } from '../geometry/box.geometry.ts';
import { toTensor, warpAffineAntialiased } from '../geometry/affine.warp.ts';
import type { Affine } from '../geometry/similarity.transform.ts';

export const SSD_INPUT = 512;

export interface SsdCandidate extends Scored {
  /** Image pixels. */
  rect: Rect;
  /** Face probability, 0–1. */
  score: number;
}

/** Boxes (top, left, bottom, right as ratios of the input) and scores → candidates above `minScore`, in input pixels. */
export function decodeSsd(boxes: Float32Array, scores: Float32Array, minScore: number, iou = 0.5): SsdCandidate[] {
  const out: SsdCandidate[] = [];
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    if (!(score >= minScore)) continue;
    const top = boxes[4 * i]! * SSD_INPUT;
    const left = boxes[4 * i + 1]! * SSD_INPUT;
    const bottom = boxes[4 * i + 2]! * SSD_INPUT;
    const right = boxes[4 * i + 3]! * SSD_INPUT;
    if (bottom <= top || right <= left) continue;
    out.push({ rect: { x: left, y: top, width: right - left, height: bottom - top }, score });
  }
  return nms(out, iou);
}

export class SsdDetector {
  constructor(private readonly session: InferenceSession) {}

  /** Candidates in image pixels, best first, from one pass over a square region (outside the image reads black). */
  async detectRegion(image: RgbImage, region: Rect, minScore: number): Promise<SsdCandidate[]> {
    const k = region.width / SSD_INPUT;
    const srcFromInput: Affine = [k, 0, region.x, 0, k, region.y];
    const crop = warpAffineAntialiased(image, srcFromInput, SSD_INPUT, SSD_INPUT, 1 / k);
    const input = toTensor(crop);
    const out = await this.session.run({ input: { data: input, dims: [1, SSD_INPUT, SSD_INPUT, 3] } });
    const boxes = out.boxes?.data;
    const scores = out.scores?.data;
    if (!(boxes instanceof Float32Array) || !(scores instanceof Float32Array))
      throw new Error('faceapi-ssd outputs (boxes, scores) are missing');
    return decodeSsd(boxes, scores, minScore).map((c) => ({
      score: c.score,
      rect: {
        x: c.rect.x * k + region.x,
        y: c.rect.y * k + region.y,
        width: c.rect.width * k,
        height: c.rect.height * k,
      },
    }));
  }
}
