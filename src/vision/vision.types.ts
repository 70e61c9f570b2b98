// The vision engine's contract: what every other part of Facegate may ask of it. Geometry is in ratios of the
// image size (as Rekognition's BoundingBox), angles in degrees, confidences and scores in [0, 100].

export interface Box {
  /** All four are ratios of the image width/height, in [0, 1] once clipped. */
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Rekognition landmark names: eyeLeft, eyeRight, nose, mouthLeft, mouthRight, and more where models give them. */
export interface Landmark {
  type: string;
  /** Ratios of the image width/height. */
  x: number;
  y: number;
}

export interface Pose {
  roll: number;
  yaw: number;
  pitch: number;
}

export interface Quality {
  /** 0 (dark) to 100 (bright). */
  brightness: number;
  /** 0 (blurred) to 100 (sharp). */
  sharpness: number;
}

export interface Flag {
  value: boolean;
  confidence: number;
}

export type EmotionType = 'HAPPY' | 'SAD' | 'ANGRY' | 'CONFUSED' | 'DISGUSTED' | 'SURPRISED' | 'CALM' | 'FEAR';

/** Every attribute DetectFaces ALL returns. Where no model predicts one, it is derived and its confidence says so. */
export interface FaceAttributes {
  ageRange: { low: number; high: number };
  gender: { value: 'Male' | 'Female'; confidence: number };
  emotions: { type: EmotionType; confidence: number }[];
  smile: Flag;
  eyesOpen: Flag;
  mouthOpen: Flag;
  eyeglasses: Flag;
  sunglasses: Flag;
  beard: Flag;
  mustache: Flag;
  faceOccluded: Flag;
  eyeDirection: { yaw: number; pitch: number; confidence: number };
}

export interface DetectedFace {
  box: Box;
  /** Detector confidence, 0–100. */
  confidence: number;
  landmarks: Landmark[];
  pose: Pose;
  quality: Quality;
  /** Box size in pixels of the decoded (orientation-corrected) image. */
  widthPx: number;
  heightPx: number;
  /** Unit-length descriptor, present when requested. */
  descriptor?: Float32Array;
  attributes?: FaceAttributes;
  /** Presentation-attack score, 0 (spoof) to 100 (live), when requested. */
  liveness?: number;
  /**
   * True for a face seen only by the profile detector (a head turned too far for the landmark mesh): its pose is
   * the class "profile" (yaw ±90), its landmarks are rough, and it never has a descriptor, attributes or liveness.
   */
  profile?: boolean;
}

export interface ImageInfo {
  width: number;
  height: number;
  format: 'jpeg' | 'png' | 'webp';
  /** EXIF orientation tag of the original (1–8), already applied to the pixels. */
  orientation: number;
}

export interface ImageAnalysis {
  image: ImageInfo;
  /** Largest first. */
  faces: DetectedFace[];
}

export interface AnalyzeOptions {
  descriptors?: boolean;
  attributes?: boolean;
  liveness?: boolean;
  /** Keep at most this many faces (largest first) before the expensive steps. */
  maxFaces?: number;
  /** Which byte limit applies: inline bytes (5 MB) or a stored object (15 MB). */
  source?: 'inline' | 'object';
}

export interface Label {
  /** Rekognition-style name: Person, Mobile Phone, Cell Phone, Dog, … */
  name: string;
  confidence: number;
  instances: { box: Box; confidence: number }[];
  parents: string[];
  categories: string[];
}

export interface ModerationLabel {
  name: string;
  parentName: string;
  confidence: number;
  taxonomyLevel: number;
}

export interface FaceEngine {
  /** Identifies the descriptor model; stored with every face so that models never mix. */
  readonly faceModelVersion: string;
  readonly descriptorSize: number;
  analyze(image: Uint8Array, options?: AnalyzeOptions): Promise<ImageAnalysis>;
  labels(
    image: Uint8Array,
    options?: { minConfidence?: number; maxLabels?: number; source?: 'inline' | 'object' },
  ): Promise<Label[]>;
  moderation(
    image: Uint8Array,
    options?: { minConfidence?: number; source?: 'inline' | 'object' },
  ): Promise<ModerationLabel[]>;
  /** Calibrated similarity, 0–100, on AWS's scale (default descriptor on LFW: 80 ↔ FAR 1e-4, strangers' median ≈ 1). */
  similarity(a: Float32Array, b: Float32Array): number;
  close(): Promise<void>;
}
