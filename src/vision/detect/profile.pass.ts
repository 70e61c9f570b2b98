// The profile pass of face detection: BlazeFace (short-range, trained on near-frontal faces) proposes nothing for a
// head turned past about 60°, so where the mesh pass found no face, face-api's SSD detector (WIDER FACE, which
// sees profiles) looks once more over the whole image. Each SSD face is first offered to the mesh, as a BlazeFace
// proposal would be; one the mesh cannot fit is kept as a profile face only when it is large enough for landmarks
// and its 68 points say the head is turned (eyes crowded together), with the side taken from the nose tip.
// Thresholds are fixed by construction (docs/trust.md): face-api's own default SSD confidence, a face size the
// 112-pixel landmark net can resolve, and the eye spacing of a head turned 50°.
import type { RgbImage } from '../embed/embedder.port.ts';
import type { Rect } from '../geometry/box.geometry.ts';
import type { Pose } from '../vision.types.ts';
import { fullRegion } from './blazeface.detector.ts';
import type { FaceRoi } from './facemesh.refiner.ts';
import { profilePose, type ProfileLandmarker } from './profile.landmarks.ts';
import type { SsdDetector } from './ssd.detector.ts';

/** A face found by the profile pass that the mesh could not fit. */
export interface ProfileFace {
  kind: 'profile';
  /** The SSD detector's box, image pixels. */
  rect: Rect;
  /** SSD face probability, 0–1: the confidence reported to clients. */
  score: number;
  detectorScore: number;
  /** 68 × (x, y) iBUG points from face-api's landmark net, image pixels (rough on a profile). */
  points68: Float32Array;
  /** Yaw ±90 (the class "profile"), roll and pitch 0: see profilePose. */
  pose: Pose;
  /** An upright square 1.5× the box, as a mesh ROI would be (for quality crops). */
  roi: FaceRoi;
}

export interface ProfilePassOptions {
  /** When the pass runs: only on images where the mesh pass found no face (default), on every image, or never. */
  profilePass: 'when-none' | 'always' | 'off';
  /** SSD score a candidate needs (face-api's default minConfidence). */
  profileMinScore: number;
  /** Shorter side of the box, pixels, below which a face the mesh rejected is not judged a profile. */
  profileMinPx: number;
  /** Eye-centre spacing / box width at most this makes the face a profile (≈ 0.47·cos 50°; frontal ≈ 0.45). */
  profileMaxEyeSpacing: number;
}

export const DEFAULT_PROFILE_OPTIONS: ProfilePassOptions = {
  profilePass: 'when-none',
  profileMinScore: 0.5,
  profileMinPx: 40,
  profileMaxEyeSpacing: 0.3,
};

/** An upright square ROI 1.5× the box around its centre. */
export const roiFromBox = (r: Rect, scale = 1.5): FaceRoi => ({
  cx: r.x + r.width / 2,
  cy: r.y + r.height / 2,
  side: Math.max(r.width, r.height) * scale,
  angle: 0,
});

const centreInside = (r: Rect, of: Rect): boolean => {
  const cx = r.x + r.width / 2;
  const cy = r.y + r.height / 2;
  return cx >= of.x && cx <= of.x + of.width && cy >= of.y && cy <= of.y + of.height;
};

/** The models the pass needs, loaded on first use (images where the mesh finds a face never need them). */
export interface ProfileModels {
  ssd: SsdDetector;
  landmarks: ProfileLandmarker;
}

export class ProfilePass {
  private models: Promise<ProfileModels> | undefined;

  constructor(
    private readonly load: () => Promise<ProfileModels>,
    readonly options: ProfilePassOptions = DEFAULT_PROFILE_OPTIONS,
  ) {}

  runsOn(meshFaces: number): boolean {
    const when = this.options.profilePass;
    return when === 'always' || (when === 'when-none' && meshFaces === 0);
  }

  /**
   * SSD faces that are not already accepted: each is offered to `mesh` (which accepts it as a mesh face or returns
   * false); the rest that look turned become profile faces.
   */
  async find(
    image: RgbImage,
    accepted: () => readonly Rect[],
    mesh: (roi: FaceRoi, score: number) => Promise<boolean>,
  ): Promise<ProfileFace[]> {
    this.models ??= this.load();
    // A failed load (models not prepared) is retried on the next call.
    this.models.catch(() => (this.models = undefined));
    const { ssd, landmarks } = await this.models;
    const o = this.options;
    const found = await ssd.detectRegion(image, fullRegion(image.width, image.height), o.profileMinScore);
    const profiles: ProfileFace[] = [];
    for (const c of found) {
      if ([...accepted(), ...profiles.map((p) => p.rect)].some((r) => centreInside(c.rect, r))) continue;
      if (await mesh(roiFromBox(c.rect), c.score)) continue;
      if (Math.min(c.rect.width, c.rect.height) < o.profileMinPx) continue;
      const lm = await landmarks.run(image, c.rect);
      if (lm.eyeSpacing > o.profileMaxEyeSpacing) continue;
      profiles.push({
        kind: 'profile',
        rect: c.rect,
        score: c.score,
        detectorScore: c.score,
        points68: lm.points,
        pose: profilePose(lm.noseOffset),
        roi: roiFromBox(c.rect),
      });
    }
    return profiles;
  }
}
