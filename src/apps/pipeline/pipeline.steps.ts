// The workshop's steps. Each is idempotent: run twice, it leaves one face, one thumbnail, one record.
import { isFacegateError } from '../../errors.ts';
import type { NewEvent } from '../../events/event.types.ts';
import type { ObjectStore } from '../../storage/object-store.port.ts';
import type { FaceSummary, PipelineFaces, Thumbnailer } from './pipeline.ports.ts';
import type { PipelineDefinition, PipelineStore, Run, StepName } from './pipeline.types.ts';
import { StepFailure, type StepContext, type StepHandler, type StepResult } from './workflow.engine.ts';

export const PHOTO_DOES_NOT_MEET_REQUIREMENT = 'PhotoDoesNotMeetRequirement';
export const FACE_ALREADY_EXISTS = 'FaceAlreadyExists';

export interface StepDeps {
  faces: PipelineFaces;
  objects: ObjectStore;
  thumbnails: Thumbnailer;
  store: PipelineStore;
  now?: () => Date;
}

/** Rekognition's ExternalImageId alphabet is [a-zA-Z0-9_.\-:]; object keys may hold anything else ('/' above all). */
export function externalImageIdFor(run: Run): string {
  return (run.input.userId ?? run.input.key.replace(/[^a-zA-Z0-9_.\-:]/g, '_')).slice(0, 255);
}

/** "photos/a.jpg" → "photos/a.thumb.jpg": beside the original, in the same bucket. */
export function thumbnailKeyFor(key: string): string {
  const slash = key.lastIndexOf('/');
  const dot = key.lastIndexOf('.');
  return `${dot > slash ? key.slice(0, dot) : key}.thumb.jpg`;
}

/** Why a face fails the pipeline's requirements; empty when it passes. Reasons name the measured value and limit. */
export function faceReasons(faces: FaceSummary[], checks: PipelineDefinition['checks']): string[] {
  if (faces.length !== checks.faceCount) {
    return [`expected ${checks.faceCount} face(s), found ${faces.length}`];
  }
  const reasons: string[] = [];
  faces.forEach((f, i) => {
    const who = faces.length > 1 ? `face ${i + 1}: ` : '';
    const sun = f.attributes?.sunglasses;
    if (!checks.allowSunglasses && sun?.value && sun.confidence >= checks.sunglassesConfidence) {
      reasons.push(`${who}wearing sunglasses (confidence ${sun.confidence.toFixed(0)})`);
    }
    if (f.confidence < checks.minConfidence) {
      reasons.push(`${who}detection confidence too low: ${f.confidence.toFixed(1)} < ${checks.minConfidence}`);
    }
    if (f.quality.brightness < checks.minBrightness) {
      reasons.push(`${who}too dark: brightness ${f.quality.brightness.toFixed(1)} < ${checks.minBrightness}`);
    }
    if (f.quality.sharpness < checks.minSharpness) {
      reasons.push(`${who}too blurred: sharpness ${f.quality.sharpness.toFixed(1)} < ${checks.minSharpness}`);
    }
    const pose = Math.max(Math.abs(f.pose.yaw), Math.abs(f.pose.pitch));
    if (pose > checks.maxPoseDegrees) {
      reasons.push(`${who}head turned too far: ${pose.toFixed(0)}° > ${checks.maxPoseDegrees}°`);
    }
  });
  return reasons;
}

export function createSteps(deps: StepDeps): Record<StepName, StepHandler> {
  const now = deps.now ?? (() => new Date());
  const image = async ({ run }: StepContext): Promise<Uint8Array> => {
    const obj = await deps.objects.get(run.input.bucket, run.input.key);
    if (!obj) {
      const msg = `object ${run.input.bucket}/${run.input.key} does not exist`;
      throw new StepFailure(PHOTO_DOES_NOT_MEET_REQUIREMENT, msg, [msg]);
    }
    return obj.body;
  };
  const ev = (ctx: StepContext, type: NewEvent['type'], data: Record<string, unknown>): NewEvent => ({
    type,
    pipeline: ctx.definition.name,
    collectionId: ctx.definition.collectionId,
    runId: ctx.run.id,
    data: { userId: ctx.run.input.userId, bucket: ctx.run.input.bucket, key: ctx.run.input.key, ...data },
  });

  return {
    async checkFaces(ctx): Promise<StepResult> {
      let faces: FaceSummary[];
      try {
        faces = await deps.faces.detect(await image(ctx));
      } catch (e) {
        // A bad image is the photo's fault, not a transient error: fail the run with the reason, do not retry.
        if (isFacegateError(e) && e.status < 500) {
          throw new StepFailure(PHOTO_DOES_NOT_MEET_REQUIREMENT, e.message, [`image: ${e.message}`]);
        }
        throw e;
      }
      const reasons = faceReasons(faces, ctx.definition.checks);
      if (reasons.length > 0) {
        throw new StepFailure(PHOTO_DOES_NOT_MEET_REQUIREMENT, `The photo does not meet the requirements`, reasons);
      }
      const f = faces[0]!;
      return {
        output: {
          faceCount: faces.length,
          box: f.box,
          confidence: f.confidence,
          pose: f.pose,
          quality: f.quality,
          attributes: f.attributes ?? null,
        },
      };
    },

    async checkDuplicate(ctx): Promise<StepResult> {
      const { threshold, maxFaces } = ctx.definition.duplicate;
      const matches = await deps.faces.search(ctx.definition.collectionId, await image(ctx), threshold, maxFaces);
      const best = matches[0];
      if (best) {
        const who = best.externalImageId ?? best.faceId;
        const reason = `the face is already indexed as ${who} (face ${best.faceId}, similarity ${best.similarity.toFixed(1)})`;
        throw new StepFailure(
          FACE_ALREADY_EXISTS,
          `Face already exists: ${who}`,
          [reason],
          [ev(ctx, 'face.matched', { matches })],
          {
            match: best,
          },
        );
      }
      return { output: { matches: 0 }, events: [ev(ctx, 'face.unknown', {})] };
    },

    async indexFace(ctx): Promise<StepResult> {
      const collectionId = ctx.definition.collectionId;
      const externalImageId = externalImageIdFor(ctx.run);
      // A retry may follow a crash after IndexFaces committed: look for this run's face before indexing again.
      if (ctx.attempt > 1) {
        const [existing] = await deps.faces.findByExternalImageId(collectionId, externalImageId);
        // The crashed attempt never committed its event, so this one announces the face (exactly once).
        if (existing) {
          return {
            output: { ...existing, externalImageId, reused: true },
            events: [ev(ctx, 'face.indexed', { ...existing, externalImageId })],
          };
        }
      }
      const face = await deps.faces.index(collectionId, await image(ctx), externalImageId);
      return {
        output: { ...face, externalImageId, reused: false },
        events: [ev(ctx, 'face.indexed', { ...face, externalImageId })],
      };
    },

    async thumbnail(ctx): Promise<StepResult> {
      const key = thumbnailKeyFor(ctx.run.input.key);
      const bytes = await deps.thumbnails.thumbnail(await image(ctx), ctx.definition.thumbnail.size);
      await deps.objects.put(ctx.run.input.bucket, key, bytes);
      return { output: { thumbnailKey: key, bytes: bytes.byteLength } };
    },

    async persist(ctx): Promise<StepResult> {
      const { run, outputs, definition } = ctx;
      const timings = Object.fromEntries(
        run.steps.filter((s) => s.durationMs !== null).map((s) => [s.name, s.durationMs as number]),
      );
      await deps.store.putRecord({
        runId: run.id,
        pipeline: definition.name,
        collectionId: definition.collectionId,
        userId: run.input.userId ?? null,
        faceId: String(outputs.indexFace?.faceId ?? ''),
        bucket: run.input.bucket,
        objectKey: run.input.key,
        thumbnailKey: typeof outputs.thumbnail?.thumbnailKey === 'string' ? outputs.thumbnail.thumbnailKey : null,
        attributes: (outputs.checkFaces?.attributes as Record<string, unknown> | null) ?? {},
        timings,
        createdAt: now(),
      });
      return { output: { recordId: run.id } };
    },
  };
}

/** The run's result and its pipeline.succeeded data: who, which face, where the photo and thumbnail are. */
export function summarize(run: Run, outputs: StepContext['outputs']): Record<string, unknown> {
  return {
    userId: run.input.userId,
    bucket: run.input.bucket,
    key: run.input.key,
    faceId: outputs.indexFace?.faceId,
    externalImageId: outputs.indexFace?.externalImageId,
    thumbnailKey: outputs.thumbnail?.thumbnailKey,
  };
}
