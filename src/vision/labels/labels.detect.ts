// DetectLabels: centernet detections → Rekognition-style labels (names, parents, categories, instances with
// ratio boxes, confidence 0–100), one label per name with the best instance's confidence.
import type { RgbImage } from '../embed/embedder.port.ts';
import { toRatioBox } from '../geometry/box.geometry.ts';
import type { InferenceRuntime } from '../runtime/inference.port.ts';
import type { Label } from '../vision.types.ts';
import { detectObjects, detectZoomedOut, type Detection } from './centernet.decode.ts';
import { COCO_LABELS } from './coco.labels.ts';
import type { Rect } from '../geometry/box.geometry.ts';
import {
  averageViews,
  DEFAULT_LABEL_GATES,
  gateDetections,
  isCloseUp,
  needsFaces,
  oneAnimalPerObject,
  ZOOM_OUT,
  type LabelGates,
} from './labels.gate.ts';

export const LABEL_MODEL_VERSION = 'centernet-coco-1.0';

export interface LabelOptions {
  /** 0–100; Rekognition's default is 55. */
  minConfidence?: number;
  maxLabels?: number;
  /** Face boxes in image pixels (the face detector), asked for only when a Person needs one to stay. */
  faces?: () => Promise<Rect[]>;
  gates?: LabelGates;
}

/**
 * centernet score → confidence 0–100, piecewise linear and monotone. centernet's scores are low (human's own
 * default threshold is 0.2), so they are stretched: score 0.14 ↔ 55 (the DetectLabels default) and 0.16 ↔ 85 (the
 * proctor default). The knots were picked on the proctor photos, not fitted on a labelled set (docs/benchmarks.md):
 * the phone in cellphone.jpg scores 0.18 on the whole view, so 0.16 leaves it a margin; the largest phone score on
 * phone-free portraits is 0.11.
 */
const KNOTS: [number, number][] = [
  [0, 0],
  [0.14, 55],
  [0.16, 85],
  [0.3, 95],
  [0.6, 99],
  [1, 100],
];

export function scoreToConfidence(score: number): number {
  const s = Math.min(1, Math.max(0, score));
  for (let i = 1; i < KNOTS.length; i++) {
    const [x1, y1] = KNOTS[i]!;
    const [x0, y0] = KNOTS[i - 1]!;
    if (s <= x1) return y0 + ((s - x0) * (y1 - y0)) / (x1 - x0);
  }
  return 100;
}

/** Labels from detections (pure: unit-testable without a model). Sorted by confidence, best first. */
export function toLabels(detections: Detection[], width: number, height: number, options: LabelOptions = {}): Label[] {
  const min = options.minConfidence ?? 55;
  const byName = new Map<string, Label>();
  const upsert = (name: string, confidence: number, parents: string[], categories: string[]): Label => {
    let l = byName.get(name);
    if (!l) byName.set(name, (l = { name, confidence, instances: [], parents, categories }));
    l.confidence = Math.max(l.confidence, confidence);
    return l;
  };
  for (const d of detections) {
    const def = COCO_LABELS[d.classId];
    const confidence = scoreToConfidence(d.score);
    if (!def || confidence < min) continue;
    const instance = { box: toRatioBox(d.rect, width, height), confidence };
    for (const name of def.names) upsert(name, confidence, def.parents, def.categories).instances.push(instance);
    def.parents.forEach((p, i) => upsert(p, confidence, def.parents.slice(i + 1), def.categories));
  }
  const labels = [...byName.values()].sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
  for (const l of labels) l.instances.sort((a, b) => b.confidence - a.confidence);
  return options.maxLabels === undefined ? labels : labels.slice(0, options.maxLabels);
}

export async function detectLabels(
  runtime: InferenceRuntime,
  image: RgbImage,
  options: LabelOptions = {},
): Promise<Label[]> {
  const gates = options.gates ?? DEFAULT_LABEL_GATES;
  let found = await detectObjects(runtime, image);
  if (isCloseUp(found, image.width, image.height)) {
    found = averageViews(found, await detectZoomedOut(runtime, image, ZOOM_OUT));
  }
  found = oneAnimalPerObject(found);
  const faces = options.faces && needsFaces(found, gates) ? await options.faces() : [];
  return toLabels(gateDetections(found, faces, gates), image.width, image.height, options);
}
