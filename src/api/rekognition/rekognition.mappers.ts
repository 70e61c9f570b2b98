// Domain objects (camelCase, src/vision and src/collections) → the Rekognition model's PascalCase shapes.
// Field names and types follow @aws-sdk/client-rekognition's models; values pass through unchanged (ratios stay
// ratios, percentages stay percentages). Timestamps become epoch seconds, as the JSON 1.1 protocol carries them.
import type { Collection, Face, FaceDetail, FaceMatch, User, UserMatch } from '../../collections/collection.types.ts';
import type {
  Box,
  EmotionType,
  FaceAttributes,
  Flag,
  Label,
  Landmark,
  ModerationLabel,
} from '../../vision/vision.types.ts';
import { FaceAttribute, type FaceAttributeName } from './rekognition.schemas.ts';

export const boundingBox = (b: Box) => ({ Width: b.width, Height: b.height, Left: b.left, Top: b.top });
const flag = (f: Flag): WireFlag => ({ Value: f.value, Confidence: f.confidence });

/** The model's LandmarkType enum: the only names a Rekognition client expects. */
const LANDMARK_TYPES = [
  'eyeLeft',
  'eyeRight',
  'nose',
  'mouthLeft',
  'mouthRight',
  'leftEyeBrowLeft',
  'leftEyeBrowRight',
  'leftEyeBrowUp',
  'rightEyeBrowLeft',
  'rightEyeBrowRight',
  'rightEyeBrowUp',
  'leftEyeLeft',
  'leftEyeRight',
  'leftEyeUp',
  'leftEyeDown',
  'rightEyeLeft',
  'rightEyeRight',
  'rightEyeUp',
  'rightEyeDown',
  'noseLeft',
  'noseRight',
  'mouthUp',
  'mouthDown',
  'leftPupil',
  'rightPupil',
  'upperJawlineLeft',
  'midJawlineLeft',
  'chinBottom',
  'midJawlineRight',
  'upperJawlineRight',
] as const;
type LandmarkType = (typeof LANDMARK_TYPES)[number];
const isLandmarkType = (t: string): t is LandmarkType => (LANDMARK_TYPES as readonly string[]).includes(t);

/** Landmarks under names outside the enum (a model's extra points) are left out rather than sent. */
const landmarks = (ls: Landmark[]) =>
  ls.flatMap((l) => (isLandmarkType(l.type) ? [{ Type: l.type, X: l.x, Y: l.y }] : []));

interface WireFlag {
  Value: boolean;
  Confidence: number;
}

/** The optional attribute blocks of FaceDetail, as the model names them. */
interface WireAttributes {
  AgeRange?: { Low: number; High: number };
  Smile?: WireFlag;
  Eyeglasses?: WireFlag;
  Sunglasses?: WireFlag;
  Gender?: { Value: 'Male' | 'Female'; Confidence: number };
  Beard?: WireFlag;
  Mustache?: WireFlag;
  EyesOpen?: WireFlag;
  MouthOpen?: WireFlag;
  Emotions?: { Type: EmotionType; Confidence: number }[];
  FaceOccluded?: WireFlag;
  EyeDirection?: { Yaw: number; Pitch: number; Confidence: number };
}

/** Which optional attribute blocks a FaceDetail carries; DEFAULT carries none of them. */
export type AttributeSelection = ReadonlySet<Exclude<FaceAttributeName, 'DEFAULT' | 'ALL'>>;

// Every attribute of the request enum except the two selectors, so the list cannot drift from the schema.
const ALL_ATTRIBUTES: AttributeSelection = new Set(
  FaceAttribute.options.filter(
    (a): a is Exclude<FaceAttributeName, 'DEFAULT' | 'ALL'> => a !== 'DEFAULT' && a !== 'ALL',
  ),
);

/** ["ALL"] → every attribute; ["DEFAULT", "EMOTIONS"] or ["EMOTIONS"] → the default fields plus emotions. */
export function selectAttributes(requested: readonly FaceAttributeName[] | undefined): AttributeSelection {
  if (!requested || requested.length === 0) return new Set();
  if (requested.includes('ALL')) return ALL_ATTRIBUTES;
  return new Set(
    requested.filter((a): a is Exclude<FaceAttributeName, 'DEFAULT' | 'ALL'> => a !== 'DEFAULT' && a !== 'ALL'),
  );
}

function attributeFields(a: FaceAttributes, sel: AttributeSelection): WireAttributes {
  const out: WireAttributes = {};
  if (sel.has('AGE_RANGE')) out.AgeRange = { Low: a.ageRange.low, High: a.ageRange.high };
  if (sel.has('SMILE')) out.Smile = flag(a.smile);
  if (sel.has('EYEGLASSES')) out.Eyeglasses = flag(a.eyeglasses);
  if (sel.has('SUNGLASSES')) out.Sunglasses = flag(a.sunglasses);
  if (sel.has('GENDER')) out.Gender = { Value: a.gender.value, Confidence: a.gender.confidence };
  if (sel.has('BEARD')) out.Beard = flag(a.beard);
  if (sel.has('MUSTACHE')) out.Mustache = flag(a.mustache);
  if (sel.has('EYES_OPEN')) out.EyesOpen = flag(a.eyesOpen);
  if (sel.has('MOUTH_OPEN')) out.MouthOpen = flag(a.mouthOpen);
  if (sel.has('EMOTIONS')) out.Emotions = a.emotions.map((e) => ({ Type: e.type, Confidence: e.confidence }));
  if (sel.has('FACE_OCCLUDED')) out.FaceOccluded = flag(a.faceOccluded);
  if (sel.has('EYE_DIRECTION')) {
    out.EyeDirection = { Yaw: a.eyeDirection.yaw, Pitch: a.eyeDirection.pitch, Confidence: a.eyeDirection.confidence };
  }
  return out;
}

/** FaceDetail. Attribute blocks appear only when selected and computed (the engine was asked for attributes). */
export function faceDetail(f: FaceDetail, sel: AttributeSelection = new Set()) {
  return {
    BoundingBox: boundingBox(f.box),
    ...(f.attributes && sel.size > 0 ? attributeFields(f.attributes, sel) : {}),
    Landmarks: landmarks(f.landmarks),
    Pose: { Roll: f.pose.roll, Yaw: f.pose.yaw, Pitch: f.pose.pitch },
    Quality: { Brightness: f.quality.brightness, Sharpness: f.quality.sharpness },
    Confidence: f.confidence,
  };
}

/** ComparedFace (CompareFaces): the default fields, plus Emotions and Smile when attributes were computed. */
export function comparedFace(f: FaceDetail) {
  const { BoundingBox, Landmarks, Pose, Quality, Confidence } = faceDetail(f);
  return {
    BoundingBox,
    Confidence,
    Landmarks,
    Pose,
    Quality,
    ...(f.attributes ? attributeFields(f.attributes, new Set(['EMOTIONS', 'SMILE'])) : {}),
  };
}

export const face = (f: Face) => ({
  FaceId: f.faceId,
  BoundingBox: boundingBox(f.box),
  ImageId: f.imageId,
  ...(f.externalImageId !== undefined ? { ExternalImageId: f.externalImageId } : {}),
  Confidence: f.confidence,
  IndexFacesModelVersion: f.indexFacesModelVersion,
  ...(f.userId !== undefined ? { UserId: f.userId } : {}),
});

export const faceMatch = (m: FaceMatch) => ({ Similarity: m.similarity, Face: face(m.face) });
export const user = (u: User) => ({ UserId: u.userId, UserStatus: u.userStatus });
export const userMatch = (m: UserMatch) => ({ Similarity: m.similarity, User: user(m.user) });

export const collectionDescription = (c: Collection) => ({
  FaceCount: c.faceCount,
  FaceModelVersion: c.faceModelVersion,
  CollectionARN: c.collectionArn,
  CreationTimestamp: c.createdAt.getTime() / 1000,
  UserCount: c.userCount,
});

export const label = (l: Label) => ({
  Name: l.name,
  Confidence: l.confidence,
  Instances: l.instances.map((i) => ({ BoundingBox: boundingBox(i.box), Confidence: i.confidence })),
  Parents: l.parents.map((name) => ({ Name: name })),
  Aliases: [],
  Categories: l.categories.map((name) => ({ Name: name })),
});

export const moderationLabel = (m: ModerationLabel) => ({
  Confidence: m.confidence,
  Name: m.name,
  ParentName: m.parentName,
  TaxonomyLevel: m.taxonomyLevel,
});
