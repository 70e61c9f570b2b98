// The `recognizer` section of a model pack's pack.json: everything needed to turn a face into the descriptor an
// InsightFace-style ONNX recogniser was trained on (input size, layout, colour order, mean/std, alignment template,
// output), and the calibration that maps its cosine onto Facegate's 0–100 similarity. docs/models.md has the format.
import { z } from 'zod';

const triple = z.tuple([z.number(), z.number(), z.number()]);
const point = z.tuple([z.number(), z.number()]);

/** Knots [cosine, similarity]: from (−1, 0) to (1, 100), strictly increasing in both, so the map is monotone. */
export const knotsSchema = z
  .array(point)
  .min(2)
  .superRefine((k, ctx) => {
    const first = k[0]!;
    const last = k[k.length - 1]!;
    if (first[0] !== -1 || first[1] !== 0 || last[0] !== 1 || last[1] !== 100)
      ctx.addIssue({ code: 'custom', message: 'knots must start at [-1, 0] and end at [1, 100]' });
    for (let i = 1; i < k.length; i++) {
      if (!(k[i]![0] > k[i - 1]![0] && k[i]![1] > k[i - 1]![1]))
        ctx.addIssue({ code: 'custom', message: `knots must be strictly increasing (at index ${i})` });
    }
  });

export const recognizerSchema = z.object({
  /** Name of the pack model (in `models`) that computes the descriptor. */
  model: z.string().min(1),
  /** Output tensor holding the descriptor; the model's first output when absent. */
  output: z.string().min(1).optional(),
  /** Descriptor length (e.g. 512 for InsightFace's w600k_r50, 192 for MobileFaceNet). */
  size: z.number().int().min(16).max(4096),
  input: z.object({
    /** The square chip's side in pixels (112 for ArcFace-style models). */
    size: z.number().int().min(16).max(1024),
    /** NCHW (InsightFace's ONNX exports) or NHWC (TFLite conversions). */
    layout: z.enum(['NCHW', 'NHWC']),
    colour: z.enum(['RGB', 'BGR']),
    /** value = (byte − mean[c]) / std[c], channels in `colour` order. InsightFace: mean 127.5, std 127.5. */
    mean: triple,
    std: triple.refine((s) => s.every((v) => v > 0), 'std must be positive'),
  }),
  /**
   * Where the face's five points (left eye, right eye, nose tip, mouth left, mouth right, as seen in the image) go:
   * 'arcface' is InsightFace's 112² template (scaled as InsightFace scales it for other sizes), or five explicit
   * points in chip pixels with OpenCV's convention (pixel centres at integers), as templates are published.
   */
  alignment: z.union([z.literal('arcface'), z.object({ template: z.array(point).length(5) })]),
  /** Cosine of unit-length descriptors (the only metric: L2 on unit vectors ranks pairs the same way). */
  metric: z.literal('cosine').default('cosine'),
  /** Also embed the mirrored chip and average (test-time augmentation); the knots must be fitted the same way. */
  flip: z.boolean().default(false),
  calibration: z.object({
    knots: knotsSchema,
    /** Where the knots come from (data, pairs, command), for the record. */
    basis: z.string().default(''),
  }),
});

export type PackRecognizer = z.infer<typeof recognizerSchema>;

/** InsightFace's ArcFace template for 112×112 chips (OpenCV convention). */
const ARCFACE_112_CV: readonly (readonly [number, number])[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/**
 * The template in Facegate's continuous pixel convention (+0.5). For 'arcface' at another size, InsightFace's
 * estimate_norm: a multiple of 112 scales the template; otherwise it is scaled by size/128 and shifted 8·ratio right.
 */
export function recognizerTemplate(r: PackRecognizer): [number, number][] {
  const size = r.input.size;
  let t: readonly (readonly [number, number])[];
  if (r.alignment === 'arcface') {
    const ratio = size % 112 === 0 ? size / 112 : size / 128;
    const dx = size % 112 === 0 ? 0 : 8 * ratio;
    t = ARCFACE_112_CV.map(([x, y]) => [x * ratio + dx, y * ratio] as const);
  } else {
    t = r.alignment.template;
  }
  return t.map(([x, y]) => [x + 0.5, y + 0.5]);
}
