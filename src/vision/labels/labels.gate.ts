// Corrections to centernet's raw detections before they become labels (docs/trust.md, "Labels"):
// - a close-up (an object filling most of the frame) is seen once more zoomed out, because COCO objects are rarely
//   frame-filling and centernet misnames them then (a cat's face close-up came out Dog 0.48, Cat 0.20; zoomed out
//   2×, Cat 0.70), but zoomed out it misnames other close-ups (a small dog: Cat 0.37, Dog 0.36), so each object's
//   score is the mean of its two views (a detection seen in one view only gets half its score);
// - one object gets one animal class: animal boxes of different classes that overlap (IoU > 0.5) keep only the best;
// - an animal needs a raw score that stray detections on object photos rarely reach;
// - a Person needs a face inside its box (the face detector), or a raw score that no-person photos never reached.
import type { Rect } from '../geometry/box.geometry.ts';
import { iou } from '../geometry/box.geometry.ts';
import type { Detection } from './centernet.decode.ts';

export const PERSON_CLASS = 0;
/** COCO's animal class ids (bird … giraffe). */
export const ANIMAL_CLASSES: ReadonlySet<number> = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);

/** The whole view's largest box covering at least this share of the image makes it a close-up. */
export const CLOSE_UP_SHARE = 0.4;
/** The zoomed-out view shows the image shrunk by this factor in the middle of a grey canvas. */
export const ZOOM_OUT = 2;

export interface LabelGates {
  /** A Person without a face in its box needs at least this raw centernet score. */
  personWithoutFace: number;
  /** An animal needs at least this raw centernet score. */
  animal: number;
}

/** Chosen on the choose half of bench/labels.list.csv (bench/labels.eval.ts, docs/trust.md). */
export const DEFAULT_LABEL_GATES: LabelGates = { personWithoutFace: 0.4, animal: 0.25 };

function containment(a: Rect, b: Rect): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const small = Math.min(a.width * a.height, b.width * b.height);
  return small > 0 ? (ix * iy) / small : 0;
}

const sameObject = (a: Rect, b: Rect) => iou(a, b) > 0.5 || containment(a, b) > 0.8;

/** True when one detection covers at least CLOSE_UP_SHARE of the image. */
export function isCloseUp(detections: readonly Detection[], width: number, height: number): boolean {
  return detections.some((d) => (d.rect.width * d.rect.height) / (width * height) >= CLOSE_UP_SHARE);
}

/**
 * Averages the whole view and the zoomed-out view (detections already in image pixels): an object seen in both
 * (same class, overlapping boxes) gets the mean score and the whole view's box; one seen in one view only, half.
 */
export function averageViews(whole: readonly Detection[], zoomed: readonly Detection[]): Detection[] {
  const out: Detection[] = [];
  const used = new Set<Detection>();
  for (const w of whole) {
    const twin = zoomed.find((z) => !used.has(z) && z.classId === w.classId && sameObject(w.rect, z.rect));
    if (twin) used.add(twin);
    out.push({ ...w, score: (w.score + (twin?.score ?? 0)) / 2 });
  }
  for (const z of zoomed) if (!used.has(z)) out.push({ ...z, score: z.score / 2 });
  return out.sort((a, b) => b.score - a.score);
}

/** Overlapping animal boxes of different classes are one animal: only the best-scored class stays. */
export function oneAnimalPerObject(detections: readonly Detection[]): Detection[] {
  const kept: Detection[] = [];
  for (const d of [...detections].sort((a, b) => b.score - a.score)) {
    if (
      ANIMAL_CLASSES.has(d.classId) &&
      kept.some((k) => ANIMAL_CLASSES.has(k.classId) && k.classId !== d.classId && iou(k.rect, d.rect) > 0.5)
    ) {
      continue;
    }
    kept.push(d);
  }
  return kept;
}

/** Whether a face box lies in a person box: the face's centre inside it. */
const faceIn = (face: Rect, person: Rect) => {
  const cx = face.x + face.width / 2;
  const cy = face.y + face.height / 2;
  return cx >= person.x && cx <= person.x + person.width && cy >= person.y && cy <= person.y + person.height;
};

/** Drops animals under `gates.animal` and Persons with neither a face inside nor `gates.personWithoutFace`. */
export function gateDetections(
  detections: readonly Detection[],
  faces: readonly Rect[],
  gates: LabelGates,
): Detection[] {
  return detections.filter((d) => {
    if (ANIMAL_CLASSES.has(d.classId)) return d.score >= gates.animal;
    if (d.classId !== PERSON_CLASS) return true;
    return d.score >= gates.personWithoutFace || faces.some((f) => faceIn(f, d.rect));
  });
}

/** Whether the person gate needs the face detector at all (some Person below the no-face bar). */
export const needsFaces = (detections: readonly Detection[], gates: LabelGates) =>
  detections.some((d) => d.classId === PERSON_CLASS && d.score < gates.personWithoutFace);
