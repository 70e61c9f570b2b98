// The FaceEngine: image bytes → faces with landmarks, pose, quality, and on request descriptors, attributes and a
// liveness score; plus labels and moderation (labels/ and moderation/) and descriptor similarity. Models are loaded once per
// engine (sessions are cached by the runtime) and shared by concurrent calls; the slot scheduler bounds how many
// images are analysed at once (vision.concurrency) so that concurrent requests queue instead of thrashing the CPU.
// vision/pool/ runs the same engine in worker threads, one per slot.
import type { Config } from '../config/config.schema.ts';
import { logger as rootLogger, type Logger } from '../logger.ts';
import type { InferenceRuntime } from './runtime/inference.port.ts';
import type { Embedder, RgbImage } from './embed/embedder.port.ts';
import type {
  AnalyzeOptions,
  DetectedFace,
  FaceEngine,
  ImageAnalysis,
  ImageInfo,
  Label,
  ModerationLabel,
} from './vision.types.ts';
import { createModelRuntime } from './models/model.runtime.ts';
import { decodeImage } from './image/decode.ts';
import { createFaceDetector } from './detect/detector.factory.ts';
import type { FaceDetector, MeshFace } from './detect/face.detector.ts';
import type { ProfileFace } from './detect/profile.pass.ts';
import { rekognitionLandmarks } from './detect/mesh.landmarks.ts';
import { rekognitionLandmarks68 } from './detect/profile.landmarks.ts';
import { toRatioBox } from './geometry/box.geometry.ts';
import { headPose } from './quality/pose.quality.ts';
import { faceCrop, faceQuality } from './quality/image.quality.ts';
import { ATTRIBUTE_MODELS, LIVENESS_MODELS, faceAttributes, faceLiveness } from './attributes/face.attributes.ts';
import { detectLabels, LABEL_MODEL_VERSION } from './labels/labels.detect.ts';
import { detectModeration, MODERATION_MODEL_VERSION } from './moderation/moderation.detect.ts';
import { SlotScheduler } from './admission/slot.scheduler.ts';
import { scheduled } from './admission/request.scope.ts';
import { createDescriptor } from './embed/fusion.descriptor.ts';
import { createPackDescriptor } from './embed/pack.embedder.ts';

export interface FaceEngineDeps {
  runtime?: InferenceRuntime;
  /**
   * The descriptor model and its similarity calibration. Default: embed/default.embedder.ts (chosen on LFW);
   * face.descriptor.ts has faceres alone, with its own LFW calibration.
   */
  descriptor?: { embedder: Embedder; similarity: (a: Float32Array, b: Float32Array) => number };
  /** The slots analyses run in (shared with the server's admission control); default: vision.concurrency slots. */
  scheduler?: SlotScheduler;
}

/** A FaceEngine that can also be warmed up before it takes traffic. */
export interface LocalFaceEngine extends FaceEngine {
  readonly labelModelVersion: string;
  readonly moderationModelVersion: string;
  /** Runs the detection and descriptor models once and opens the attribute models, so the first request is not slow. */
  ready(): Promise<void>;
}

export async function createFaceEngine(
  config: Readonly<Config>,
  log: Logger = rootLogger,
  deps: FaceEngineDeps = {},
): Promise<LocalFaceEngine> {
  const logger = log.child({ module: 'face.engine' });
  const runtime = deps.runtime ?? createModelRuntime(config);
  const descriptor =
    deps.descriptor ??
    (config.vision.descriptor === 'pack'
      ? await createPackDescriptor(runtime, config.models.pack)
      : createDescriptor(runtime, config.vision.descriptor));
  const slots = deps.scheduler ?? new SlotScheduler(config.vision.concurrency);
  const gate = { run: <T>(task: () => Promise<T>) => scheduled(slots, task) };
  let detector: Promise<FaceDetector> | undefined;
  const getDetector = () => {
    detector ??= createFaceDetector(runtime, {
      minFaceScore: config.vision.minFaceScore,
      tiling: config.vision.tiling,
      profilePass: config.vision.profiles,
    });
    // A failed load (models not prepared) is retried on the next call.
    detector.catch(() => (detector = undefined));
    return detector;
  };
  const decode = (bytes: Uint8Array, source: 'inline' | 'object' = 'inline') =>
    decodeImage(bytes, config.images, { source, maxSide: config.vision.maxSide });

  async function describe(
    rgb: RgbImage,
    info: ImageInfo,
    face: MeshFace,
    options: AnalyzeOptions,
  ): Promise<DetectedFace> {
    const scale = info.width / rgb.width;
    const result: DetectedFace = {
      box: toRatioBox(face.rect, rgb.width, rgb.height),
      confidence: Math.round(face.score * 1e4) / 100,
      landmarks: rekognitionLandmarks(face.mesh, rgb.width, rgb.height),
      pose: headPose(face.mesh),
      quality: (({ brightness, sharpness }) => ({ brightness, sharpness }))(faceQuality(faceCrop(rgb, face.roi))),
      widthPx: Math.round(face.rect.width * scale),
      heightPx: Math.round(face.rect.height * scale),
    };
    if (options.descriptors) {
      result.descriptor = await descriptor.embedder.embed(rgb, {
        box: face.rect,
        points5: face.points5,
        mesh: face.mesh,
      });
    }
    if (options.attributes) {
      const { attributes, iris } = await faceAttributes(runtime, rgb, face);
      result.attributes = attributes;
      result.landmarks = rekognitionLandmarks(face.mesh, rgb.width, rgb.height, iris.pupils);
    }
    if (options.liveness) result.liveness = await faceLiveness(runtime, rgb, face);
    return result;
  }

  /**
   * A face only the profile pass saw: box, confidence, the 68-point landmarks, the profile pose and quality. No
   * descriptor, attributes or liveness: those models need the mesh's alignment, and a descriptor of a profile
   * would match nobody (IndexFaces reports such a face as EXTREME_POSE).
   */
  function describeProfile(rgb: RgbImage, info: ImageInfo, face: ProfileFace): DetectedFace {
    const scale = info.width / rgb.width;
    return {
      box: toRatioBox(face.rect, rgb.width, rgb.height),
      confidence: Math.round(face.score * 1e4) / 100,
      landmarks: rekognitionLandmarks68(face.points68, rgb.width, rgb.height),
      pose: face.pose,
      quality: (({ brightness, sharpness }) => ({ brightness, sharpness }))(faceQuality(faceCrop(rgb, face.roi))),
      widthPx: Math.round(face.rect.width * scale),
      heightPx: Math.round(face.rect.height * scale),
      profile: true,
    };
  }

  const engine: LocalFaceEngine = {
    faceModelVersion: descriptor.embedder.version,
    descriptorSize: descriptor.embedder.size,
    labelModelVersion: LABEL_MODEL_VERSION,
    moderationModelVersion: MODERATION_MODEL_VERSION,

    analyze: (bytes, options = {}) =>
      gate.run(async (): Promise<ImageAnalysis> => {
        const { rgb, info } = await decode(bytes, options.source);
        const found = await (await getDetector()).detectAll(rgb);
        const kept = options.maxFaces === undefined ? found : found.slice(0, Math.max(0, options.maxFaces));
        const faces: DetectedFace[] = [];
        for (const f of kept)
          faces.push(f.kind === 'mesh' ? await describe(rgb, info, f, options) : describeProfile(rgb, info, f));
        logger.debug({ faces: faces.length, width: info.width, height: info.height }, 'image analysed');
        return { image: info, faces };
      }),

    labels: (bytes, options = {}) =>
      gate.run(async (): Promise<Label[]> => {
        const { rgb } = await decode(bytes, options.source);
        // A Person without a face in its box must score high to stay (labels/labels.gate.ts): the face detector
        // runs only when such a Person is found.
        const labels = await detectLabels(runtime, rgb, {
          maxLabels: options.maxLabels,
          minConfidence: options.minConfidence ?? 55,
          faces: async () => (await (await getDetector()).detect(rgb)).map((f) => f.rect),
        });
        return labels;
      }),

    moderation: (bytes, options = {}) =>
      gate.run(async (): Promise<ModerationLabel[]> => {
        const { rgb } = await decode(bytes, options.source);
        return detectModeration(runtime, rgb, { minConfidence: options.minConfidence ?? 50 });
      }),

    similarity: (a, b) => descriptor.similarity(a, b),

    async ready() {
      const started = performance.now();
      const det = await getDetector();
      const blank: RgbImage = { data: new Uint8Array(256 * 256 * 3).fill(128), width: 256, height: 256 };
      // No face on a blank image: the profile pass runs too, so its models are loaded here as well.
      await det.detectAll(blank);
      await descriptor.embedder.embed(blank, {
        box: { x: 64, y: 64, width: 128, height: 128 },
        points5: [
          [100, 110],
          [156, 110],
          [128, 140],
          [106, 170],
          [150, 170],
        ],
      });
      // Attribute and liveness sessions are opened too (not run), so that the first DetectFaces ALL does not pay for
      // them; one that fails to load is logged, not fatal: detection and search work without it.
      const optional = [...ATTRIBUTE_MODELS, ...LIVENESS_MODELS];
      const loaded = await Promise.allSettled(optional.map((m) => runtime.session(m)));
      loaded.forEach((r, i) => {
        if (r.status === 'rejected') logger.warn({ model: optional[i], err: r.reason as unknown }, 'model not loaded');
      });
      logger.info({ ms: Math.round(performance.now() - started) }, 'face engine ready');
    },

    close: () => runtime.close(),
  };
  return engine;
}
