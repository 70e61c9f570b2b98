// DetectModerationLabels: nsfwjs's MobileNetV2 classifier (Drawing, Hentai, Neutral, Porn, Sexy) → Rekognition
// moderation labels (top level + second level, with ParentName and TaxonomyLevel).
//
// The classifier over-fires on ordinary photos (clothed group photos scored "Porn" up to 0.9 in MODELS.md), and the
// product rule is that the default settings flag no ordinary photo. So a class only becomes a label when its
// probability passes a conservative per-class gate measured on every photo of ../shared/datasets (none flagged;
// bench/moderation.scores.ts, docs/benchmarks.md), and confidence is re-scaled so the gate sits at 50, the
// DetectModerationLabels default MinConfidence.
import type { RgbImage } from '../embed/embedder.port.ts';
import { toTensor, warpAffineAntialiased } from '../geometry/affine.warp.ts';
import type { InferenceRuntime } from '../runtime/inference.port.ts';
import type { ModerationLabel } from '../vision.types.ts';

export const NSFW_MODEL = 'nsfw';
export const MODERATION_MODEL_VERSION = 'nsfwjs-mobilenet_v2_mid-1.0';
export const NSFW_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'] as const;
export type NsfwClass = (typeof NSFW_CLASSES)[number];
const SIZE = 224;

/** nsfwjs class → Rekognition moderation labels (level 1 parent, level 2 child). Drawing/Neutral are not unsafe. */
const MAPPING: Partial<Record<NsfwClass, { top: string; second: string }>> = {
  Porn: { top: 'Explicit Nudity', second: 'Nudity' },
  Hentai: { top: 'Explicit Nudity', second: 'Illustrated Explicit Nudity' },
  Sexy: { top: 'Suggestive', second: 'Revealing Clothes' },
};

/**
 * Per-class probability at which a label reaches confidence 50. Chosen above the highest score any of the 4,335
 * ordinary photos of ../shared/datasets reached (Porn 0.957, Hentai 0.313, Sexy 0.183; docs/benchmarks.md,
 * "Moderation threshold"). No unsafe images were available to measure recall: these gates trade recall for
 * never flagging an ordinary photo.
 */
export const MODERATION_GATES: Record<'Porn' | 'Hentai' | 'Sexy', number> = { Porn: 0.98, Hentai: 0.9, Sexy: 0.9 };

export type NsfwScores = Record<NsfwClass, number>;

/** The classifier's five probabilities for an image (squashed to 224², RGB 0–1, as nsfwjs feeds it). */
export async function nsfwScores(runtime: InferenceRuntime, image: RgbImage): Promise<NsfwScores> {
  const crop = warpAffineAntialiased(
    image,
    [image.width / SIZE, 0, 0, 0, image.height / SIZE, 0],
    SIZE,
    SIZE,
    Math.min(SIZE / image.width, SIZE / image.height),
  );
  const session = await runtime.session(NSFW_MODEL);
  const out = await session.run({ input: { data: toTensor(crop, { scale: 1 / 255 }), dims: [1, SIZE, SIZE, 3] } });
  const p = out.Identity?.data as Float32Array;
  return Object.fromEntries(NSFW_CLASSES.map((c, i) => [c, p[i] ?? 0])) as NsfwScores;
}

/** Probability → confidence 0–100, monotone, with `gate` ↦ 50. */
export function gatedConfidence(p: number, gate: number): number {
  const q = Math.min(1, Math.max(0, p));
  return q <= gate ? (50 * q) / gate : 50 + (50 * (q - gate)) / (1 - gate);
}

/** Labels from the five scores (pure). Level-1 labels take the best confidence of their children. */
export function toModerationLabels(scores: NsfwScores, minConfidence = 50): ModerationLabel[] {
  const labels = new Map<string, ModerationLabel>();
  for (const [cls, m] of Object.entries(MAPPING) as [
    keyof typeof MODERATION_GATES,
    { top: string; second: string },
  ][]) {
    const confidence = gatedConfidence(scores[cls], MODERATION_GATES[cls]);
    if (confidence < minConfidence) continue;
    const top = labels.get(m.top);
    if (!top || top.confidence < confidence)
      labels.set(m.top, { name: m.top, parentName: '', confidence, taxonomyLevel: 1 });
    labels.set(m.second, { name: m.second, parentName: m.top, confidence, taxonomyLevel: 2 });
  }
  return [...labels.values()].sort((a, b) => a.taxonomyLevel - b.taxonomyLevel || b.confidence - a.confidence);
}

export async function detectModeration(
  runtime: InferenceRuntime,
  image: RgbImage,
  options: { minConfidence?: number } = {},
): Promise<ModerationLabel[]> {
  return toModerationLabels(await nsfwScores(runtime, image), options.minConfidence ?? 50);
}
