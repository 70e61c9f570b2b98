// Operations that need only the FaceEngine: DetectFaces, CompareFaces, DetectLabels, DetectModerationLabels.
import { qualityReasons } from '../../collections/quality.filter.ts';
import { FacegateError } from '../../errors.ts';
import type { DetectedFace, FaceEngine } from '../../vision/vision.types.ts';
import { readImage } from './image.input.ts';
import {
  boundingBox,
  comparedFace,
  faceDetail,
  label,
  moderationLabel,
  selectAttributes,
} from './rekognition.mappers.ts';
import { schemas } from './rekognition.schemas.ts';
import { operation } from './operation.ts';

/** Rekognition returns at most the 100 largest faces. */
const MAX_FACES = 100;

/** Model versions the engine may expose for labels and moderation; absent fields are left out, not invented. */
function optionalVersion(engine: FaceEngine, key: 'labelModelVersion' | 'moderationModelVersion') {
  const v = (engine as unknown as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

export const DetectFaces = operation(schemas.DetectFaces, async (req, { container }) => {
  const sel = selectAttributes(req.Attributes);
  const { bytes, source } = await readImage(req.Image, container);
  const engine = await container.get('engine');
  const analysis = await engine.analyze(bytes, { attributes: sel.size > 0, maxFaces: MAX_FACES, source });
  return { FaceDetails: analysis.faces.map((f) => faceDetail(f, sel)) };
});

export const CompareFaces = operation(schemas.CompareFaces, async (req, { container }) => {
  const threshold = req.SimilarityThreshold ?? 80;
  const engine = await container.get('engine');
  const source = await readImage(req.SourceImage, container);
  const target = await readImage(req.TargetImage, container);
  // The source contributes its largest face only; the target up to the 100 largest.
  // QualityFilter (default NONE) drops faces below the bar, with IndexFaces' thresholds.
  const filter = req.QualityFilter ?? 'NONE';
  const passes = (f: DetectedFace) => qualityReasons(f, filter).length === 0;
  const src = await engine.analyze(source.bytes, { descriptors: true, maxFaces: 1, source: source.source });
  const probe = src.faces[0];
  if (!probe?.descriptor) throw new FacegateError('NO_FACE', 'There are no faces in the source image');
  if (!passes(probe)) {
    throw new FacegateError('NO_FACE', `The source face does not pass QualityFilter ${filter}`);
  }
  const tgt = await engine.analyze(target.bytes, { descriptors: true, maxFaces: MAX_FACES, source: target.source });
  const scored = tgt.faces.filter(passes).map((f: DetectedFace) => ({
    face: f,
    similarity: f.descriptor ? engine.similarity(probe.descriptor!, f.descriptor) : 0,
  }));
  const matches = scored.filter((s) => s.similarity >= threshold).sort((a, b) => b.similarity - a.similarity);
  const unmatched = scored.filter((s) => s.similarity < threshold);
  return {
    SourceImageFace: { BoundingBox: boundingBox(probe.box), Confidence: probe.confidence },
    FaceMatches: matches.map((m) => ({ Similarity: m.similarity, Face: comparedFace(m.face) })),
    UnmatchedFaces: unmatched.map((u) => comparedFace(u.face)),
  };
});

export const DetectLabels = operation(schemas.DetectLabels, async (req, { container }) => {
  const { bytes, source } = await readImage(req.Image, container);
  const engine = await container.get('engine');
  const labels = await engine.labels(bytes, {
    minConfidence: req.MinConfidence ?? 55,
    ...(req.MaxLabels !== undefined ? { maxLabels: req.MaxLabels } : {}),
    source,
  });
  const version = optionalVersion(engine, 'labelModelVersion');
  return { Labels: labels.map(label), ...(version ? { LabelModelVersion: version } : {}) };
});

export const DetectModerationLabels = operation(schemas.DetectModerationLabels, async (req, { container }) => {
  const { bytes, source } = await readImage(req.Image, container);
  const engine = await container.get('engine');
  const labels = await engine.moderation(bytes, { minConfidence: req.MinConfidence ?? 50, source });
  const version = optionalVersion(engine, 'moderationModelVersion');
  return { ModerationLabels: labels.map(moderationLabel), ...(version ? { ModerationModelVersion: version } : {}) };
});
